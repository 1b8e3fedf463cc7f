from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "habeas.advocacy"
    label = "advocacy"

    def ready(self) -> None:
        from django.utils.translation import get_language

        from habeas.lib import partialdate

        from .texts import LANGUAGES, format_date

        # A partial date on a page ("about 2002", "before Oct 2021") in the interface
        # language, in the words documents in that language use ("около 2002 г.").
        def interface_date(value: partialdate.PartialDate) -> str | None:
            language = get_language()
            if language and language != "en" and language in LANGUAGES:
                return format_date(value, language)
            return None

        partialdate.set_writer(interface_date)
