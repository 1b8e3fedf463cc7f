from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "habeas.evidence"
    label = "evidence"

    def ready(self) -> None:
        # In ready(): storage reads the models, loaded after apps.py.
        from habeas.core.encryption import FILE_KEY_USERS, FILE_REENCRYPTORS

        from .storage import key_ids_in_use, reencrypt_all

        if reencrypt_all not in FILE_REENCRYPTORS:
            FILE_REENCRYPTORS.append(reencrypt_all)
        if key_ids_in_use not in FILE_KEY_USERS:
            FILE_KEY_USERS.append(key_ids_in_use)
