# ruff: noqa: E501 — a table of wording reads better one entry a line.
"""The fixed wording of generated documents, per language (English, French, Spanish
and Russian):
titles and labels, the names of the record's choices (kinds of source, roles,
kinds of intervention), and how dates and country names are written.

Kept apart from the gettext catalogue: a document's language is the
recipient's, not the reader's interface language, and every label in a Russian
document must be Russian whether or not a catalogue was compiled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils import translation
from django_countries import countries

from habeas.lib.partialdate import (
    MIN_YEAR,
    RUSSIAN_MONTHS_GENITIVE,
    RUSSIAN_MONTHS_NOMINATIVE,
    PartialDate,
    Precision,
)

LANGUAGES = ("en", "fr", "es", "ru")
# How the pickers name each language: in itself, as its readers look for it.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ru": "Русский"}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "wgeid.title": "Submission to the UN Working Group on Enforced or Involuntary Disappearances",
        "ced.title": "Request for urgent action under article 30 of the International Convention for the Protection of All Persons from Enforced Disappearance",
        "ced.to": "To the Committee on Enforced Disappearances",
        "ced.via": "Office of the United Nations High Commissioner for Human Rights, Palais des Nations, CH-1211 Geneva 10, Switzerland",
        "ced.intro": "We request the Committee to consider, under article 30 of the Convention, this request for urgent action to search for and locate {name}.",
        "ced.state_party": "State party concerned",
        "ced.party": "{country} is a party to the Convention (list of States parties as of {date}).",
        "ced.not_party": "{country} is not a party to the Convention according to the list of States parties as of {date}: the Committee cannot register this request.",
        "ced.steps": "The matter raised with the authorities of the State party",
        "ced.asks": "We ask the Committee to request the State party to",
        "ced.ask.protect": "take all necessary measures, including interim measures, to locate and protect {name} (article 30, paragraph 3);",
        "ced.ask.inform": "inform the Committee, within the period it sets, of the measures taken.",
        "sp.title": "Communication to the Special Procedures of the UN Human Rights Council",
        "sp.to": "To the mandate holders concerned",
        "sp.mandate.wgeid": "Working Group on Enforced or Involuntary Disappearances",
        "sp.mandate.torture": "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
        "sp.mandate.wgad": "Working Group on Arbitrary Detention",
        "sp.perpetrators": "Alleged perpetrators",
        "sp.description": "Description of the events",
        "sp.steps_national": "Steps taken nationally",
        "sp.steps_international": "Steps taken internationally",
        "sp.source": "Source of the communication",
        "sp.keep_confidential": "The identity of the source and of the witnesses must be kept confidential.",
        "sp.name_public": "The name of the victim may be made public.",
        "sp.name_not_public": "The name of the victim must not be made public.",
        "wgeid.procedure": "Procedure requested",
        "wgeid.procedure.wgeid_urgent": "The submitting organisation requests that this case be examined under the urgent procedure: the disappearance occurred within the three months before this submission.",
        "wgeid.procedure.wgeid_standard": "The submitting organisation requests that this case be examined under the standard procedure.",
        "wgeid.procedure.wgeid_prompt": "The submitting organisation requests a prompt intervention: relatives, witnesses, lawyers or human rights defenders connected with this case face intimidation or reprisals.",
        "missing.urgent_window_passed": "The urgent procedure: its three-month window passed on {date}; change the request to the standard procedure",
        "sp.request": "Communication requested",
        "sp.request.urgent_appeal": "We request an urgent appeal: the person is at imminent risk of serious harm.",
        "sp.request.allegation_letter": "We request that the mandate holders address an allegation letter to the Government concerned.",
        "sp.asks.urgent_appeal": "We ask the mandate holders to address an urgent appeal to the Government of {country}, urging it to",
        "sp.asks.allegation_letter": "We ask the mandate holders to address an allegation letter to the Government of {country}, asking it to",
        "letter.title": "Letter to the authorities",
        "urgent_action.title": "Urgent action",
        "briefing.title": "Briefing note for the human-rights dialogue",
        "incomplete": "INCOMPLETE — not ready to send. Missing:",
        "letterhead": "Letterhead",
        "person": "The disappeared person",
        "name": "Full name",
        "variants": "Other spellings",
        "sex": "Sex",
        "birth_date": "Date of birth",
        "nationality": "Nationality",
        "occupation": "Occupation",
        "affiliation": "Affiliation",
        "disappearance": "The disappearance",
        "date": "Date",
        "place": "Place of arrest, abduction or where last seen",
        "forces": "Forces believed responsible",
        "circumstances": "Circumstances",
        "information": "Information received",
        "undated": "undated (reported to us: {received})",
        "steps": "Steps taken to find the person",
        "submitter": "Submitted by",
        "consent": "Consent of the family",
        "consent.given": "The family has consented to this submission.",
        "consent.missing": "No family consent recorded.",
        "confidential": "The source of this information asks that its identity be kept confidential.",
        "a_source": "A source",
        "asks": "We respectfully ask you to",
        "ask.disclose": "disclose the fate and whereabouts of {name};",
        "ask.torture": "ensure that {name} is protected from torture and other ill-treatment;",
        "ask.access.m": "allow {name} immediate access to family, a lawyer of his choice and a doctor;",
        "ask.access.f": "allow {name} immediate access to family, a lawyer of her choice and a doctor;",
        "ask.access.x": "allow {name} immediate access to family, a lawyer of their choice and a doctor;",
        "ask.release": "release {name} unless promptly charged with a recognisable offence and tried fairly.",
        "salutation.default": "Dear Sir or Madam,",
        "subject.label": "Subject: {subject}",
        "letter.subject": "Enforced disappearance of {name} ({country}){since}: {request}",
        "subject.since": ", since {date}",
        "letter.request.m": "request for information on his fate and whereabouts",
        "letter.request.f": "request for information on her fate and whereabouts",
        "letter.request.x": "request for information on the person's fate and whereabouts",
        "third.request": "request to urge the Government of {country} to disclose the fate and whereabouts",
        "letter.missing_since": ", missing since {date}",
        "letter.opening": "We are writing to you on behalf of {org} about the enforced disappearance of {name}{missing_since}. The fate and whereabouts of {name} remain unknown. We set out below what we know, and ask you to act.",
        "third.opening": "We are writing to you on behalf of {org} about the enforced disappearance of {name}{missing_since}, for which we hold the authorities of {country} responsible. The fate and whereabouts of {name} remain unknown. We ask you to raise the case with the Government of {country}, bilaterally and in every forum where you meet it.",
        "third.asks": "We respectfully ask you to urge the Government of {country} to",
        "third.ask.disclose": "disclose the fate and whereabouts of {name} without delay;",
        "third.ask.torture": "ensure that {name} is protected from torture and other ill-treatment;",
        "third.ask.access.m": "give {name} immediate access to a lawyer of his choice and to the family;",
        "third.ask.access.f": "give {name} immediate access to a lawyer of her choice and to the family;",
        "third.ask.access.x": "give {name} immediate access to a lawyer of their choice and to the family;",
        "third.ask.judge": "ensure that {name} is promptly brought before an independent judge, or else released.",
        "salutation.excellency": "Your Excellency,",
        "salutation.label": "Salutation: {salutation}",
        "signed_by": "Signed by: {signatory}",
        "briefing.people": "each person named above",
        "missing.signatory": "Name and title of the person who signs (organisation settings)",
        "closing": "Yours faithfully,",
        "summary": "Summary",
        "addressees": "Please write to",
        "background": "Background",
        "act_until": "Please act until",
        "days_missing": "Days since the disappearance: {days}",
        "days_missing.from": "Days since the disappearance: {days} (counted from {day}, the earliest day it can be)",
        "days_missing.at_least": "Days since the disappearance: at least {days} (counted from {day}, the latest day it can be)",
        "cases": "Cases",
        "country": "Country",
        "recommendation": "We recommend that you urge the Government of {country}, at the dialogue and bilaterally, to",
        "unknown": "unknown",
        "colon": ": ",
        "semicolon": "; ",
        "unknown.date": "unknown",
        "unknown.place": "unknown",
        "unknown.country": "unknown",
        "unknown.forces": "unknown",
        "unknown.perpetrators": "unknown",
        "none_recorded": "None recorded.",
        "missing.name": "Full name of the person",
        "missing.date": "Date of disappearance (at least month and year)",
        "missing.place": "Place of arrest, abduction or where last seen",
        "missing.forces": "Forces believed responsible",
        "missing.steps": "Steps taken by relatives or others to find the person",
        "missing.submitter": "Identity of the submitting organisation and a contact (address or e-mail)",
        "missing.consent": "Family consent",
        "missing.addressee": "Addressee",
        "missing.state_party": "A State party to the Convention (the Committee cannot act otherwise)",
        "source.victim": "The person concerned",
        "source.relative": "A relative",
        "source.witness": "A witness",
        "source.defender": "A human rights defender",
        "source.lawyer": "A lawyer",
        "source.ngo": "An NGO",
        "source.journalist": "A journalist",
        "source.official": "An official",
        "source.anonymous": "An anonymous source",
        "role.alleged_perpetrator": "alleged perpetrator",
        "role.commander": "responsible commander",
        "role.holding_authority": "holding authority",
        "role.witness": "witness",
        "role.spokesperson": "issued a statement",
        "role.other": "other role",
        # An event's actor: its State always (two ministries of internal affairs must
        # never read alike), after the role so no two brackets follow each other.
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Female",
        "sex.m": "Male",
        "sex.x": "Other",
        "kind.wgeid_urgent": "UN Working Group on Enforced or Involuntary Disappearances, urgent procedure",
        "kind.wgeid_standard": "UN Working Group on Enforced or Involuntary Disappearances, standard procedure",
        "kind.wgeid_prompt": "UN Working Group on Enforced or Involuntary Disappearances, prompt intervention",
        "kind.ced_urgent_action": "Committee on Enforced Disappearances, request for urgent action",
        "kind.special_procedures": "Communication to the UN Special Procedures",
        "kind.letter_authorities": "Letter to the authorities",
        "kind.embassy": "Raised with another State (embassy or foreign ministry) or at a human-rights dialogue",
        "kind.court_petition": "Court petition",
        "kind.press_statement": "Press statement",
    },
    "fr": {
        "wgeid.title": "Communication au Groupe de travail des Nations Unies sur les disparitions forcées ou involontaires",
        "ced.title": "Demande d'action urgente en vertu de l'article 30 de la Convention internationale pour la protection de toutes les personnes contre les disparitions forcées",
        "ced.to": "Au Comité des disparitions forcées",
        "ced.via": "Haut-Commissariat des Nations Unies aux droits de l'homme, Palais des Nations, CH-1211 Genève 10, Suisse",
        "ced.intro": "Nous prions le Comité d'examiner, en vertu de l'article 30 de la Convention, la présente demande d'action urgente visant à rechercher et à retrouver {name}.",
        "ced.state_party": "État partie concerné",
        "ced.party": "{country} est partie à la Convention (liste des États parties au {date}).",
        "ced.not_party": "{country} n'est pas partie à la Convention d'après la liste des États parties au {date}\u00a0: le Comité ne peut pas enregistrer la présente demande.",
        "ced.steps": "Démarches entreprises auprès des autorités de l'État partie",
        "ced.asks": "Nous prions le Comité de demander à l'État partie de",
        "ced.ask.protect": "prendre toutes les mesures nécessaires, y compris des mesures conservatoires, pour localiser et protéger {name} (article 30, paragraphe 3)\u00a0;",
        "ced.ask.inform": "informer le Comité, dans le délai qu'il fixe, des mesures prises.",
        "sp.title": "Communication aux procédures spéciales du Conseil des droits de l'homme des Nations Unies",
        "sp.to": "Aux titulaires de mandat concernés",
        "sp.mandate.wgeid": "Groupe de travail sur les disparitions forcées ou involontaires",
        "sp.mandate.torture": "Rapporteur spécial sur la torture et autres peines ou traitements cruels, inhumains ou dégradants",
        "sp.mandate.wgad": "Groupe de travail sur la détention arbitraire",
        "sp.perpetrators": "Auteurs présumés",
        "sp.description": "Description des faits",
        "sp.steps_national": "Démarches entreprises au niveau national",
        "sp.steps_international": "Démarches entreprises au niveau international",
        "sp.source": "Source de la communication",
        "sp.keep_confidential": "L'identité de la source et des témoins doit rester confidentielle.",
        "sp.name_public": "Le nom de la victime peut être rendu public.",
        "sp.name_not_public": "Le nom de la victime ne doit pas être rendu public.",
        "wgeid.procedure": "Procédure demandée",
        "wgeid.procedure.wgeid_urgent": "L'organisation qui soumet ce cas demande qu'il soit examiné selon la procédure d'action urgente\u00a0: la disparition a eu lieu dans les trois mois précédant la présente communication.",
        "wgeid.procedure.wgeid_standard": "L'organisation qui soumet ce cas demande qu'il soit examiné selon la procédure ordinaire.",
        "wgeid.procedure.wgeid_prompt": "L'organisation qui soumet ce cas demande une intervention rapide\u00a0: des proches, témoins, avocats ou défenseurs des droits humains liés à ce cas font l'objet d'actes d'intimidation ou de représailles.",
        "missing.urgent_window_passed": "La procédure d'action urgente\u00a0: le délai de trois mois a expiré le {date}\u00a0; changer la demande pour la procédure ordinaire",
        "sp.request": "Communication demandée",
        "sp.request.urgent_appeal": "Nous demandons un appel urgent\u00a0: la personne court un risque imminent de préjudice grave.",
        "sp.request.allegation_letter": "Nous demandons aux titulaires de mandat d'adresser une lettre d'allégation au Gouvernement concerné.",
        "sp.asks.urgent_appeal": "Nous prions les titulaires de mandat d'adresser un appel urgent au Gouvernement de l'État concerné ({country}), l'exhortant à",
        "sp.asks.allegation_letter": "Nous prions les titulaires de mandat d'adresser une lettre d'allégation au Gouvernement de l'État concerné ({country}), lui demandant de",
        "letter.title": "Lettre aux autorités",
        "letterhead": "En-tête",
        "urgent_action.title": "Action urgente",
        "briefing.title": "Note d'information pour le dialogue sur les droits de l'homme",
        "incomplete": "INCOMPLET — pas prêt à être envoyé. Il manque\u00a0:",
        "person": "La personne disparue",
        "name": "Nom complet",
        "variants": "Autres graphies",
        "sex": "Sexe",
        "birth_date": "Date de naissance",
        "nationality": "Nationalité",
        "occupation": "Profession",
        "affiliation": "Appartenance",
        "disappearance": "La disparition",
        "date": "Date",
        "place": "Lieu de l'arrestation, de l'enlèvement ou où la personne a été vue pour la dernière fois",
        "forces": "Forces présumées responsables",
        "circumstances": "Circonstances",
        "information": "Informations reçues",
        "undated": "sans date (reçue par nous\u00a0: {received})",
        "steps": "Démarches entreprises pour retrouver la personne",
        "submitter": "Communication présentée par",
        "consent": "Consentement de la famille",
        "consent.given": "La famille a consenti à la présente communication.",
        "consent.missing": "Aucun consentement de la famille n'est enregistré.",
        "confidential": "La source de ces informations demande que son identité reste confidentielle.",
        "a_source": "Une source",
        "asks": "Nous vous prions respectueusement de",
        "ask.disclose": "révéler le sort et le lieu où se trouve {name}\u00a0;",
        "ask.torture": "garantir la protection de {name} contre la torture et les autres mauvais traitements\u00a0;",
        "ask.access.m": "permettre à {name} d'avoir immédiatement accès à sa famille, à un avocat de son choix et à un médecin\u00a0;",
        "ask.access.f": "permettre à {name} d'avoir immédiatement accès à sa famille, à un avocat de son choix et à un médecin\u00a0;",
        "ask.access.x": "permettre à {name} d'avoir immédiatement accès à sa famille, à un avocat de son choix et à un médecin\u00a0;",
        "ask.release": "libérer {name}, à moins que cette personne ne soit rapidement inculpée d'une infraction reconnue par la loi et jugée équitablement.",
        "salutation.default": "Madame, Monsieur,",
        "subject.label": "Objet\u00a0: {subject}",
        "letter.subject": "Disparition forcée\u00a0: {name} ({country}){since}. {request}",
        "subject.since": ", {date}",
        "letter.request.m": "Demande d'informations sur son sort et le lieu où il se trouve",
        "letter.request.f": "Demande d'informations sur son sort et le lieu où elle se trouve",
        "letter.request.x": "Demande d'informations sur le sort de cette personne et le lieu où elle se trouve",
        "third.request": "Demande d'exhorter le Gouvernement de l'État concerné ({country}) à révéler le sort de cette personne et le lieu où elle se trouve",
        "letter.missing_since": " (date de la disparition\u00a0: {date})",
        "letter.opening": "Nous vous écrivons au nom de {org} au sujet de la disparition forcée de la personne suivante\u00a0: {name}{missing_since}. Le sort de cette personne et le lieu où elle se trouve demeurent inconnus. Nous exposons ci-dessous les faits connus et vous prions d'agir.",
        "third.opening": "Nous vous écrivons au nom de {org} au sujet de la disparition forcée de la personne suivante\u00a0: {name}{missing_since}, dont nous tenons les autorités de l'État concerné ({country}) pour responsables. Le sort de cette personne et le lieu où elle se trouve demeurent inconnus. Nous vous prions de soulever ce cas auprès du Gouvernement de l'État concerné ({country}), sur le plan bilatéral et dans toutes les enceintes où vous le rencontrez.",
        "third.asks": "Nous vous prions respectueusement d'exhorter le Gouvernement de l'État concerné ({country}) à",
        "third.ask.disclose": "révéler sans délai le sort et le lieu où se trouve {name}\u00a0;",
        "third.ask.torture": "protéger {name} contre la torture et les autres mauvais traitements\u00a0;",
        "third.ask.access.m": "permettre à {name} d'avoir immédiatement accès à un avocat de son choix et à sa famille\u00a0;",
        "third.ask.access.f": "permettre à {name} d'avoir immédiatement accès à un avocat de son choix et à sa famille\u00a0;",
        "third.ask.access.x": "permettre à {name} d'avoir immédiatement accès à un avocat de son choix et à sa famille\u00a0;",
        "third.ask.judge": "présenter sans délai {name} à un juge indépendant ou, à défaut, remettre cette personne en liberté.",
        "salutation.excellency": "Excellence,",
        "salutation.label": "Formule d'appel\u00a0: {salutation}",
        "signed_by": "Signé par\u00a0: {signatory}",
        "briefing.people": "chacune des personnes nommées ci-dessus",
        "missing.signatory": "Nom et fonction du ou de la signataire (paramètres de l'organisation)",
        "closing": "Veuillez agréer, Madame, Monsieur, l'expression de notre haute considération.",
        "summary": "Résumé",
        "addressees": "Veuillez écrire à",
        "background": "Contexte",
        "act_until": "Agir jusqu'au",
        "days_missing": "Jours depuis la disparition\u00a0: {days}",
        "days_missing.from": "Jours depuis la disparition\u00a0: {days} (comptés à partir du {day}, le premier jour possible)",
        "days_missing.at_least": "Jours depuis la disparition\u00a0: au moins {days} (comptés à partir du {day}, le dernier jour possible)",
        "cases": "Cas",
        "country": "Pays",
        "recommendation": "Nous recommandons d'exhorter le Gouvernement de l'État concerné ({country}), lors du dialogue et sur le plan bilatéral, à",
        "unknown": "inconnu",
        "colon": "\u00a0: ",
        "semicolon": "\u00a0; ",
        "unknown.date": "non communiquée",
        "unknown.place": "non communiqué",
        "unknown.country": "non communiqué",
        "unknown.forces": "non identifiées",
        "unknown.perpetrators": "non identifiés",
        "none_recorded": "Aucune information enregistrée.",
        "missing.name": "Nom complet de la personne",
        "missing.date": "Date de la disparition (au moins le mois et l'année)",
        "missing.place": "Lieu de l'arrestation, de l'enlèvement ou où la personne a été vue pour la dernière fois",
        "missing.forces": "Forces présumées responsables",
        "missing.steps": "Démarches entreprises par les proches ou d'autres personnes pour retrouver la personne",
        "missing.submitter": "Identité de l'organisation qui présente la communication et un contact (adresse ou courriel)",
        "missing.consent": "Consentement de la famille",
        "missing.addressee": "Destinataire",
        "missing.state_party": "Un État partie à la Convention (le Comité ne peut agir autrement)",
        "source.victim": "La personne concernée",
        "source.relative": "Un proche",
        "source.witness": "Un témoin",
        "source.defender": "Un défenseur des droits de l'homme",
        "source.lawyer": "Un avocat",
        "source.ngo": "Une ONG",
        "source.journalist": "Un journaliste",
        "source.official": "Un agent de l'État",
        "source.anonymous": "Une source anonyme",
        "role.alleged_perpetrator": "auteur présumé",
        "role.commander": "supérieur hiérarchique responsable",
        "role.holding_authority": "autorité détenant la personne",
        "role.witness": "témoin",
        "role.spokesperson": "a fait une déclaration",
        "role.other": "autre rôle",
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Féminin",
        "sex.m": "Masculin",
        "sex.x": "Autre",
        "kind.wgeid_urgent": "Groupe de travail des Nations Unies sur les disparitions forcées ou involontaires, procédure d'action urgente",
        "kind.wgeid_standard": "Groupe de travail des Nations Unies sur les disparitions forcées ou involontaires, procédure ordinaire",
        "kind.wgeid_prompt": "Groupe de travail des Nations Unies sur les disparitions forcées ou involontaires, intervention rapide",
        "kind.ced_urgent_action": "Comité des disparitions forcées, demande d'action urgente",
        "kind.special_procedures": "Communication aux procédures spéciales des Nations Unies",
        "kind.letter_authorities": "Lettre aux autorités",
        "kind.embassy": "Démarche auprès d'une ambassade ou lors d'un dialogue sur les droits de l'homme",
        "kind.court_petition": "Requête devant un tribunal",
        "kind.press_statement": "Communiqué de presse",
    },
    "es": {
        "wgeid.title": "Comunicación al Grupo de Trabajo de las Naciones Unidas sobre las Desapariciones Forzadas o Involuntarias",
        "ced.title": "Petición de acción urgente en virtud del artículo 30 de la Convención Internacional para la Protección de Todas las Personas contra las Desapariciones Forzadas",
        "ced.to": "Al Comité contra la Desaparición Forzada",
        "ced.via": "Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos, Palais des Nations, CH-1211 Ginebra 10, Suiza",
        "ced.intro": "Solicitamos al Comité que examine, en virtud del artículo 30 de la Convención, la presente petición de acción urgente para buscar y localizar a {name}.",
        "ced.state_party": "Estado parte interesado",
        "ced.party": "{country} es parte en la Convención (lista de Estados partes al {date}).",
        "ced.not_party": "{country} no es parte en la Convención según la lista de Estados partes al {date}: el Comité no puede registrar esta petición.",
        "ced.steps": "Gestiones realizadas ante las autoridades del Estado parte",
        "ced.asks": "Solicitamos al Comité que pida al Estado parte que",
        "ced.ask.protect": "adopte todas las medidas necesarias, incluidas medidas cautelares, para localizar y proteger a {name} (artículo 30, párrafo 3);",
        "ced.ask.inform": "informe al Comité, en el plazo que este determine, de las medidas adoptadas.",
        "sp.title": "Comunicación a los procedimientos especiales del Consejo de Derechos Humanos de las Naciones Unidas",
        "sp.to": "A los titulares de mandatos interesados",
        "sp.mandate.wgeid": "Grupo de Trabajo sobre las Desapariciones Forzadas o Involuntarias",
        "sp.mandate.torture": "Relator Especial sobre la tortura y otros tratos o penas crueles, inhumanos o degradantes",
        "sp.mandate.wgad": "Grupo de Trabajo sobre la Detención Arbitraria",
        "sp.perpetrators": "Presuntos autores",
        "sp.description": "Descripción de los hechos",
        "sp.steps_national": "Gestiones realizadas en el ámbito nacional",
        "sp.steps_international": "Gestiones realizadas en el ámbito internacional",
        "sp.source": "Fuente de la comunicación",
        "sp.keep_confidential": "La identidad de la fuente y de los testigos debe mantenerse confidencial.",
        "sp.name_public": "El nombre de la víctima puede hacerse público.",
        "sp.name_not_public": "El nombre de la víctima no debe hacerse público.",
        "wgeid.procedure": "Procedimiento solicitado",
        "wgeid.procedure.wgeid_urgent": "La organización que presenta el caso solicita que sea examinado conforme al procedimiento de acción urgente: la desaparición ocurrió en los tres meses anteriores a la presente comunicación.",
        "wgeid.procedure.wgeid_standard": "La organización que presenta el caso solicita que sea examinado conforme al procedimiento ordinario.",
        "wgeid.procedure.wgeid_prompt": "La organización que presenta el caso solicita una intervención inmediata: familiares, testigos, abogados o defensores de derechos humanos vinculados a este caso sufren intimidación o represalias.",
        "missing.urgent_window_passed": "El procedimiento de acción urgente: el plazo de tres meses venció el {date}; cambie la solicitud al procedimiento ordinario",
        "sp.request": "Comunicación solicitada",
        "sp.request.urgent_appeal": "Solicitamos un llamamiento urgente: la persona corre un riesgo inminente de sufrir un daño grave.",
        "sp.request.allegation_letter": "Solicitamos a los titulares de mandatos que dirijan una carta de alegación al Gobierno interesado.",
        "sp.asks.urgent_appeal": "Solicitamos a los titulares de mandatos que dirijan un llamamiento urgente al Gobierno del Estado interesado ({country}), instando a sus autoridades a que",
        "sp.asks.allegation_letter": "Solicitamos a los titulares de mandatos que dirijan una carta de alegación al Gobierno del Estado interesado ({country}), en la que se pida a sus autoridades que",
        "letter.title": "Carta a las autoridades",
        "letterhead": "Membrete",
        "urgent_action.title": "Acción urgente",
        "briefing.title": "Nota informativa para el diálogo sobre derechos humanos",
        "incomplete": "INCOMPLETO — no está listo para enviar. Falta:",
        "person": "La persona desaparecida",
        "name": "Nombre completo",
        "variants": "Otras grafías",
        "sex": "Sexo",
        "birth_date": "Fecha de nacimiento",
        "nationality": "Nacionalidad",
        "occupation": "Ocupación",
        "affiliation": "Afiliación",
        "disappearance": "La desaparición",
        "date": "Fecha",
        "place": "Lugar de la detención, del secuestro o donde se la vio por última vez",
        "forces": "Fuerzas presuntamente responsables",
        "circumstances": "Circunstancias",
        "information": "Información recibida",
        "undated": "sin fecha (recibida por nosotros: {received})",
        "steps": "Gestiones realizadas para encontrar a la persona",
        "submitter": "Comunicación presentada por",
        "consent": "Consentimiento de la familia",
        "consent.given": "La familia ha dado su consentimiento a esta comunicación.",
        "consent.missing": "No consta el consentimiento de la familia.",
        "confidential": "La fuente de esta información pide que su identidad se mantenga confidencial.",
        "a_source": "Una fuente",
        "asks": "Les rogamos respetuosamente que",
        "ask.disclose": "revelen la suerte y el paradero de {name};",
        "ask.torture": "garanticen la protección de {name} contra la tortura y otros malos tratos;",
        "ask.access.m": "permitan a {name} el acceso inmediato a su familia, a un abogado de su elección y a un médico;",
        "ask.access.f": "permitan a {name} el acceso inmediato a su familia, a un abogado de su elección y a un médico;",
        "ask.access.x": "permitan a {name} el acceso inmediato a su familia, a un abogado de su elección y a un médico;",
        "ask.release": "pongan en libertad a {name}, salvo que se le acuse sin demora de un delito reconocido por la ley y se le juzgue con las debidas garantías.",
        "salutation.default": "Estimados señores:",
        "subject.label": "Asunto: {subject}",
        "letter.subject": "Desaparición forzada de {name} ({country}){since}: {request}",
        "subject.since": ", {date}",
        "letter.request.m": "solicitud de información sobre su suerte y paradero",
        "letter.request.f": "solicitud de información sobre su suerte y paradero",
        "letter.request.x": "solicitud de información sobre su suerte y paradero",
        "third.request": "solicitud de que insten al Gobierno del Estado interesado ({country}) a revelar su suerte y paradero",
        "letter.missing_since": " (fecha de la desaparición: {date})",
        "letter.opening": "Les escribimos en nombre de {org} en relación con la desaparición forzada de {name}{missing_since}. Se desconocen su suerte y su paradero. A continuación exponemos los hechos que conocemos y les pedimos que actúen.",
        "third.opening": "Les escribimos en nombre de {org} en relación con la desaparición forzada de {name}{missing_since}, de la que consideramos responsables a las autoridades del Estado interesado ({country}). Se desconocen su suerte y su paradero. Les pedimos que planteen el caso ante el Gobierno del Estado interesado ({country}), en sus contactos bilaterales y en todos los foros en que se reúnan con él.",
        "third.asks": "Les rogamos respetuosamente que insten al Gobierno del Estado interesado ({country}) a",
        "third.ask.disclose": "revelar sin demora la suerte y el paradero de {name};",
        "third.ask.torture": "proteger a {name} de la tortura y otros malos tratos;",
        "third.ask.access.m": "dar a {name} acceso inmediato a un abogado de su elección y a su familia;",
        "third.ask.access.f": "dar a {name} acceso inmediato a un abogado de su elección y a su familia;",
        "third.ask.access.x": "dar a {name} acceso inmediato a un abogado de su elección y a su familia;",
        "third.ask.judge": "llevar sin demora a {name} ante un juez independiente o, en su defecto, ponerle en libertad.",
        "salutation.excellency": "Excelencia:",
        "salutation.label": "Saludo: {salutation}",
        "signed_by": "Firmado por: {signatory}",
        "briefing.people": "cada una de las personas mencionadas",
        "missing.signatory": "Nombre y cargo de quien firma (configuración de la organización)",
        "closing": "Atentamente,",
        "summary": "Resumen",
        "addressees": "Escriban a",
        "background": "Antecedentes",
        "act_until": "Actúen hasta el",
        "days_missing": "Días desde la desaparición: {days}",
        "days_missing.from": "Días desde la desaparición: {days} (contados desde el {day}, el primer día posible)",
        "days_missing.at_least": "Días desde la desaparición: al menos {days} (contados desde el {day}, el último día posible)",
        "cases": "Casos",
        "country": "País",
        "recommendation": "Recomendamos instar al Gobierno del Estado interesado ({country}), en el diálogo y en los contactos bilaterales, a",
        "unknown": "desconocido",
        "colon": ": ",
        "semicolon": "; ",
        "unknown.date": "no consta",
        "unknown.place": "no consta",
        "unknown.country": "no consta",
        "unknown.forces": "no consta",
        "unknown.perpetrators": "no consta",
        "none_recorded": "No consta.",
        "missing.name": "Nombre completo de la persona",
        "missing.date": "Fecha de la desaparición (al menos mes y año)",
        "missing.place": "Lugar de la detención, del secuestro o donde se la vio por última vez",
        "missing.forces": "Fuerzas presuntamente responsables",
        "missing.steps": "Gestiones realizadas por los familiares u otras personas para encontrar a la persona",
        "missing.submitter": "Identidad de la organización que presenta la comunicación y un contacto (dirección o correo electrónico)",
        "missing.consent": "Consentimiento de la familia",
        "missing.addressee": "Destinatario",
        "missing.state_party": "Un Estado parte en la Convención (de lo contrario, el Comité no puede actuar)",
        "source.victim": "La persona afectada",
        "source.relative": "Un familiar",
        "source.witness": "Un testigo",
        "source.defender": "Un defensor de los derechos humanos",
        "source.lawyer": "Un abogado",
        "source.ngo": "Una ONG",
        "source.journalist": "Un periodista",
        "source.official": "Un funcionario",
        "source.anonymous": "Una fuente anónima",
        "role.alleged_perpetrator": "presunto autor",
        "role.commander": "superior jerárquico responsable",
        "role.holding_authority": "autoridad que retiene a la persona",
        "role.witness": "testigo",
        "role.spokesperson": "hizo una declaración",
        "role.other": "otra función",
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Femenino",
        "sex.m": "Masculino",
        "sex.x": "Otro",
        "kind.wgeid_urgent": "Grupo de Trabajo de las Naciones Unidas sobre las Desapariciones Forzadas o Involuntarias, procedimiento de acción urgente",
        "kind.wgeid_standard": "Grupo de Trabajo de las Naciones Unidas sobre las Desapariciones Forzadas o Involuntarias, procedimiento ordinario",
        "kind.wgeid_prompt": "Grupo de Trabajo de las Naciones Unidas sobre las Desapariciones Forzadas o Involuntarias, intervención inmediata",
        "kind.ced_urgent_action": "Comité contra la Desaparición Forzada, petición de acción urgente",
        "kind.special_procedures": "Comunicación a los procedimientos especiales de las Naciones Unidas",
        "kind.letter_authorities": "Carta a las autoridades",
        "kind.embassy": "Gestión ante una embajada o en un diálogo sobre derechos humanos",
        "kind.court_petition": "Recurso ante un tribunal",
        "kind.press_statement": "Comunicado de prensa",
    },
    "ru": {
        "wgeid.title": "Сообщение в Рабочую группу ООН по насильственным или недобровольным исчезновениям",
        "ced.title": "Просьба о срочных действиях в соответствии со статьёй 30 Международной конвенции для защиты всех лиц от насильственных исчезновений",
        "ced.to": "Комитету по насильственным исчезновениям",
        "ced.via": "Управление Верховного комиссара ООН по правам человека, Palais des Nations, CH-1211 Geneva 10, Switzerland",
        "ced.intro": "Просим Комитет рассмотреть в соответствии со статьёй 30 Конвенции эту просьбу о срочных действиях по розыску следующего лица: {name}.",
        "ced.state_party": "Государство-участник",
        "ced.party": "{country} — участник Конвенции (по списку государств-участников на {date}).",
        "ced.not_party": "{country} не является участником Конвенции по списку государств-участников на {date}: Комитет не может зарегистрировать эту просьбу.",
        "ced.steps": "Обращения к властям государства-участника",
        "ced.asks": "Просим Комитет обратиться к государству-участнику с просьбой",
        "ced.ask.protect": "принять все необходимые меры, включая временные меры, для розыска и защиты следующего лица: {name} (пункт 3 статьи 30);",
        "ced.ask.inform": "в установленный Комитетом срок сообщить ему о принятых мерах.",
        "sp.title": "Сообщение специальным процедурам Совета ООН по правам человека",
        "sp.to": "Соответствующим мандатариям",
        "sp.mandate.wgeid": "Рабочая группа по насильственным или недобровольным исчезновениям",
        "sp.mandate.torture": "Специальный докладчик по вопросу о пытках и других жестоких, бесчеловечных или унижающих достоинство видах обращения и наказания",
        "sp.mandate.wgad": "Рабочая группа по произвольным задержаниям",
        "sp.perpetrators": "Предполагаемые исполнители",
        "sp.description": "Описание событий",
        "sp.steps_national": "Меры, принятые внутри страны",
        "sp.steps_international": "Международные обращения",
        "sp.source": "Источник сообщения",
        "sp.keep_confidential": "Личность источника и свидетелей должна сохраняться в тайне.",
        "sp.name_public": "Имя жертвы может быть обнародовано.",
        "sp.name_not_public": "Имя жертвы не должно быть обнародовано.",
        "wgeid.procedure": "Запрашиваемая процедура",
        "wgeid.procedure.wgeid_urgent": "Направляющая организация просит рассмотреть этот случай в срочном порядке: исчезновение произошло в течение трёх месяцев до направления этого сообщения.",
        "wgeid.procedure.wgeid_standard": "Направляющая организация просит рассмотреть этот случай в стандартном порядке.",
        "wgeid.procedure.wgeid_prompt": "Направляющая организация просит о безотлагательном вмешательстве: родственники, свидетели, адвокаты или правозащитники, связанные с этим случаем, подвергаются запугиванию или преследованиям.",
        "missing.urgent_window_passed": "Срочная процедура: трёхмесячный срок истёк {date}; измените запрос на стандартную процедуру",
        "sp.request": "Запрашиваемое сообщение",
        "sp.request.urgent_appeal": "Просим направить срочное обращение: человеку грозит непосредственная опасность серьёзного вреда.",
        "sp.request.allegation_letter": "Просим мандатариев направить правительству письмо с изложением утверждений.",
        "sp.asks.urgent_appeal": "Просим мандатариев направить срочное обращение правительству государства {country} с призывом",
        "sp.asks.allegation_letter": "Просим мандатариев направить правительству государства {country} письмо с изложением утверждений и просьбой",
        "letter.title": "Письмо властям",
        "urgent_action.title": "Срочная акция",
        "briefing.title": "Справка к диалогу по правам человека",
        "incomplete": "НЕ ЗАВЕРШЕНО — не готово к отправке. Не хватает:",
        "letterhead": "Бланк письма",
        "person": "Исчезнувший человек",
        "name": "Полное имя",
        "variants": "Другие написания",
        "sex": "Пол",
        "birth_date": "Дата рождения",
        "nationality": "Гражданство",
        "occupation": "Род занятий",
        "affiliation": "Принадлежность",
        "disappearance": "Исчезновение",
        "date": "Дата",
        "place": "Место задержания, похищения или где человека видели в последний раз",
        "forces": "Предположительно ответственные силы",
        "circumstances": "Обстоятельства",
        "information": "Полученная информация",
        "undated": "без даты (получено нами: {received})",
        "steps": "Меры, принятые для поиска человека",
        "submitter": "Направлено",
        "consent": "Согласие семьи",
        "consent.given": "Семья дала согласие на это обращение.",
        "consent.missing": "Согласие семьи не зафиксировано.",
        "confidential": "Источник этой информации просит сохранить его личность в тайне.",
        "a_source": "Источник",
        "asks": "Просим вас",
        "ask.disclose": "сообщить о судьбе и местонахождении следующего лица: {name};",
        "ask.torture": "обеспечить защиту этого лица от пыток и других видов жестокого обращения;",
        "ask.access.m": "немедленно предоставить этому лицу возможность связаться с семьёй, адвокатом по его выбору и врачом;",
        "ask.access.f": "немедленно предоставить этому лицу возможность связаться с семьёй, адвокатом по его выбору и врачом;",
        "ask.access.x": "немедленно предоставить этому лицу возможность связаться с семьёй, адвокатом по его выбору и врачом;",
        "ask.release": "освободить это лицо, если ему безотлагательно не будет предъявлено обвинение в признаваемом законом преступлении и не будет обеспечено справедливое судебное разбирательство.",
        "salutation.default": "Уважаемые господа,",
        "subject.label": "Тема: {subject}",
        "letter.subject": "О насильственном исчезновении: {name} ({country}){since}; {request}",
        "subject.since": ", дата исчезновения — {date}",
        "letter.request.m": "просьба сообщить о его судьбе и местонахождении",
        "letter.request.f": "просьба сообщить о её судьбе и местонахождении",
        "letter.request.x": "просьба сообщить о судьбе и местонахождении",
        "third.request": "просьба призвать правительство государства {country} сообщить о судьбе и местонахождении",
        "letter.missing_since": " (дата исчезновения — {date})",
        "letter.opening": "Обращаемся к вам от имени организации «{org}» в связи с насильственным исчезновением: {name}{missing_since}. Судьба и местонахождение этого человека по-прежнему неизвестны. Ниже мы излагаем известные нам факты и просим вас принять меры.",
        "third.opening": "Обращаемся к вам от имени организации «{org}» в связи с насильственным исчезновением: {name}{missing_since}; ответственность за него мы возлагаем на власти государства {country}. Судьба и местонахождение этого человека по-прежнему неизвестны. Просим вас поднять этот случай в отношениях с правительством государства {country} — в двусторонних контактах и на всех площадках, где вы с ним встречаетесь.",
        "third.asks": "Просим вас призвать правительство государства {country}",
        "third.ask.disclose": "незамедлительно сообщить о судьбе и местонахождении: {name};",
        "third.ask.torture": "обеспечить защиту от пыток и жестокого обращения: {name};",
        "third.ask.access.m": "немедленно предоставить доступ к адвокату по выбору и к семье: {name};",
        "third.ask.access.f": "немедленно предоставить доступ к адвокату по выбору и к семье: {name};",
        "third.ask.access.x": "немедленно предоставить доступ к адвокату по выбору и к семье: {name};",
        "third.ask.judge": "незамедлительно доставить к независимому судье или освободить: {name}.",
        "salutation.excellency": "Ваше Превосходительство,",
        "salutation.label": "Обращение: {salutation}",
        "signed_by": "Подписывает: {signatory}",
        "briefing.people": "каждый из названных выше",
        "missing.signatory": "Имя и должность подписывающего (настройки организации)",
        "closing": "С уважением,",
        "summary": "Кратко",
        "addressees": "Пишите по адресам",
        "background": "Предыстория",
        "act_until": "Действуйте до",
        "days_missing": "Дней с момента исчезновения: {days}",
        "days_missing.from": "Дней с момента исчезновения: {days} (считая с {day}, самой ранней возможной даты)",
        "days_missing.at_least": "Дней с момента исчезновения: не менее {days} (считая с {day}, самой поздней возможной даты)",
        "cases": "Случаи",
        "country": "Страна",
        "recommendation": "Рекомендуем призвать правительство государства {country} на диалоге и в двусторонних контактах",
        "unknown": "неизвестно",
        "colon": ": ",
        "semicolon": "; ",
        "unknown.date": "неизвестна",
        "unknown.place": "неизвестно",
        "unknown.country": "неизвестна",
        "unknown.forces": "неизвестны",
        "unknown.perpetrators": "неизвестны",
        "none_recorded": "Не зафиксировано.",
        "missing.name": "Полное имя человека",
        "missing.date": "Дата исчезновения (не менее месяца и года)",
        "missing.place": "Место задержания, похищения или где видели в последний раз",
        "missing.forces": "Предположительно ответственные силы",
        "missing.steps": "Меры, принятые родственниками или другими для поиска",
        "missing.submitter": "Кто направляет сообщение (организация) и контакт (адрес или e-mail)",
        "missing.consent": "Согласие семьи",
        "missing.addressee": "Адресат",
        "missing.state_party": "Государство — участник Конвенции (иначе Комитет не может действовать)",
        "source.victim": "Заинтересованное лицо",
        "source.relative": "Родственник",
        "source.witness": "Свидетель",
        "source.defender": "Правозащитник",
        "source.lawyer": "Адвокат",
        "source.ngo": "Неправительственная организация",
        "source.journalist": "Журналист",
        "source.official": "Должностное лицо",
        "source.anonymous": "Анонимный источник",
        "role.alleged_perpetrator": "предполагаемый исполнитель",
        "role.commander": "ответственный командир",
        "role.holding_authority": "орган, удерживающий человека",
        "role.witness": "свидетель",
        "role.spokesperson": "сделал заявление",
        "role.other": "иная роль",
        "actor.role": "{actor} ({role})",
        "actor.role_state": "{actor} ({role}), {state}",
        "sex.f": "Женский",
        "sex.m": "Мужской",
        "sex.x": "Иной",
        "kind.wgeid_urgent": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, срочная процедура",
        "kind.wgeid_standard": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, стандартная процедура",
        "kind.wgeid_prompt": "Рабочая группа ООН по насильственным или недобровольным исчезновениям, безотлагательное вмешательство",
        "kind.ced_urgent_action": "Комитет по насильственным исчезновениям, просьба о срочных действиях",
        "kind.special_procedures": "Сообщение специальным процедурам ООН",
        "kind.letter_authorities": "Письмо властям",
        "kind.embassy": "Обращение в посольство или на диалоге по правам человека",
        "kind.court_petition": "Обращение в суд",
        "kind.press_statement": "Заявление для прессы",
    },
}


def texts_for(language: str) -> dict[str, str]:
    """The wording in `language`; ValueError for a language we have no templates in."""
    if language not in TEXTS:
        raise ValueError(f"unsupported language: {language!r}")
    return TEXTS[language]


# --- Dates and country names in the document's language ----------------------
# Month names from a fixed table (habeas.lib.partialdate), not the process locale
# nor a compiled catalogue: neither is guaranteed where Habeas runs, and a document
# must read the same everywhere.


def format_date(value: PartialDate | date, language: str) -> str:
    """A date as the document's reader writes it: "20 Oct 2021" in English (as
    PartialDate shows it everywhere), "20 октября 2021 г." in Russian, "20 octobre
    2021", "20 de octubre de 2021", exactly as precise as stored ("до октября 2021 г.",
    "avant octobre 2021", "a principios de 2003"); English and Russian read back
    through PartialDate.parse (French and Spanish are written, never typed in)."""
    if not isinstance(value, PartialDate):
        if value.year < MIN_YEAR:
            # A row stored before services refused such a year (a typo, 0222 for
            # 2022): printed as stored rather than a page that fails for good.
            return value.isoformat()
        value = PartialDate(value, value, Precision.DAY)
    if language in ROMANCE_DATES:
        return _romance(value, ROMANCE_DATES[language])
    if language != "ru":
        return value.display()
    if value.precision is Precision.RANGE:
        return _russian_range(value)
    unit = Precision.DAY if value.precision is Precision.MINUTE else value.precision
    if value.approximate:  # "около" takes the genitive: около октября 2021 г.
        return f"около {_russian(value.lo, unit, genitive=True)}"
    text = _russian(value.lo, unit, genitive=False)
    return f"{text}, {value.time:%H:%M}" if value.time is not None else text


_RUSSIAN_THIRDS = ("в начале", "в середине", "в конце")


def _russian(d: date, unit: Precision, *, genitive: bool) -> str:
    if unit is Precision.YEAR:
        return f"{d.year} г."
    if unit is Precision.MONTH:
        months = RUSSIAN_MONTHS_GENITIVE if genitive else RUSSIAN_MONTHS_NOMINATIVE
        return f"{months[d.month - 1]} {d.year} г."
    return f"{d.day} {RUSSIAN_MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def _russian_range(value: PartialDate) -> str:
    """ "до октября 2021 г.", "после 2019 г.", "в начале 2003 г.", "с 20 по 22 октября
    2021 г.", "с 2020 г. по октябрь 2021 г.": each end in the unit it was given in."""
    about = "примерно " if value.approximate else ""
    if value.open_start or value.open_end:
        word = "до" if value.open_start else "после"  # both take the genitive
        return f"{about}{word} {_russian(*value.named_bound(), genitive=True)}"
    if third := value.third():
        index, whole, unit = third
        return f"{about}{_RUSSIAN_THIRDS[index]} {_russian(whole, unit, genitive=True)}"
    lo, hi, lo_unit, hi_unit = value.lo, value.hi, value.lo_unit, value.hi_unit
    assert lo_unit is not None and hi_unit is not None  # a closed range
    end = _russian(hi, hi_unit, genitive=False)
    if lo_unit is hi_unit is Precision.YEAR:
        text = f"с {lo.year} по {end}"
    elif Precision.YEAR in (lo_unit, hi_unit) or lo.year != hi.year:
        text = f"с {_russian(lo, lo_unit, genitive=True)} по {end}"
    elif lo_unit is Precision.MONTH:
        text = f"с {RUSSIAN_MONTHS_GENITIVE[lo.month - 1]} по {end}"
    elif lo.month == hi.month and hi_unit is Precision.DAY:
        text = f"с {lo.day} по {end}"
    else:
        text = f"с {lo.day} {RUSSIAN_MONTHS_GENITIVE[lo.month - 1]} по {end}"
    return f"приблизительно {text}" if value.approximate else text


# --- French and Spanish ---------------------------------------------------------
# One shape of wording, two tables: each end of a range in its own unit, the start
# leaving out what the end says ("du 20 au 22 octobre 2021", "de octubre a diciembre
# de 2021"), as the Working Group's own French and Spanish documents write dates.


@dataclass(frozen=True)
class _Romance:
    months: tuple[str, ...]
    month_year: str  # "{month} {year}" / "{month} de {year}"
    day_month: str  # "{day} {month}" / "{day} de {month}"
    first_day: str  # "1er" in French, "1" in Spanish
    the_day: str  # "le " / "el ": a day named alone after a preposition
    about: str  # an approximate day, month or year: "vers", "hacia"
    about_after: str  # after an open or a third: "environ", "aproximadamente"
    about_range: str  # before a closed range
    before: str
    after: str
    thirds: tuple[str, str, str]
    start: dict[Precision, str]  # "from", by the start's unit
    end: dict[Precision, str]  # "to", by the end's unit
    at: str  # the clock: " à {h} h {m}" / ", {h}:{m}"
    elides: bool  # French "de" before a vowel: "d'octobre", "d'avril", "d'août"

    def month(self, d: date, *, year: bool = True) -> str:
        name = self.months[d.month - 1]
        return self.month_year.format(month=name, year=d.year) if year else name

    def day(self, d: date, *, month: bool = True, year: bool = True) -> str:
        number = self.first_day if d.day == 1 else str(d.day)
        if not month:
            return number
        return self.day_month.format(day=number, month=self.month(d, year=year))

    def point(self, d: date, unit: Precision, *, year: bool = True) -> str:
        if unit is Precision.YEAR:
            return str(d.year)
        if unit is Precision.MONTH:
            return self.month(d, year=year)
        return self.day(d, year=year)

    def governed(self, word: str, d: date, unit: Precision) -> str:
        """`word` + a point: "avant le 20 octobre 2021", "antes del 20 de octubre"."""
        text = self.point(d, unit)
        if unit is Precision.DAY:
            return self.tidy(f"{word} {self.the_day}{text}")
        return self.tidy(f"{word} {text}")

    def tidy(self, text: str) -> str:
        """The contractions each language writes ("du", "au"; "del", "al") and the
        French elision before a vowel."""
        text = _CONTRACTIONS.sub(lambda m: _CONTRACTED[m[0]], text)
        return _ELISION.sub(r"d'\1", text) if self.elides else text


_CONTRACTED = {"de le": "du", "à le": "au", "de el": "del", "a el": "al"}
_CONTRACTIONS = re.compile(r"\b(?:de le|à le|de el|a el)\b")
_ELISION = re.compile(r"\bde ([aeiouâéèêîôûœ])")


FRENCH_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
SPANISH_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip

ROMANCE_DATES: dict[str, _Romance] = {
    "fr": _Romance(
        months=FRENCH_MONTHS,
        month_year="{month} {year}",
        day_month="{day} {month}",
        first_day="1er",
        the_day="le ",
        about="vers",
        about_after="environ",
        about_range="approximativement",
        before="avant",
        after="après",
        thirds=("début", "mi-", "fin"),
        start={Precision.DAY: "de le", Precision.MONTH: "de", Precision.YEAR: "de"},
        end={Precision.DAY: "à le", Precision.MONTH: "à", Precision.YEAR: "à"},
        at=" à {h} h {m:02d}",
        elides=True,
    ),
    "es": _Romance(
        months=SPANISH_MONTHS,
        month_year="{month} de {year}",
        day_month="{day} de {month}",
        first_day="1",
        the_day="el ",
        about="hacia",
        about_after="aproximadamente",
        about_range="aproximadamente",
        before="antes de",
        after="después de",
        thirds=("a principios de", "a mediados de", "a finales de"),
        start={Precision.DAY: "de el", Precision.MONTH: "de", Precision.YEAR: "de"},
        end={Precision.DAY: "a el", Precision.MONTH: "a", Precision.YEAR: "a"},
        at=", {h}:{m:02d}",
        elides=False,
    ),
}


def _romance(value: PartialDate, w: _Romance) -> str:
    if value.precision is Precision.RANGE:
        return _romance_range(value, w)
    unit = Precision.DAY if value.precision is Precision.MINUTE else value.precision
    text = w.governed(w.about, value.lo, unit) if value.approximate else w.point(value.lo, unit)
    if value.time is not None:
        text += w.at.format(h=value.time.hour, m=value.time.minute)
    return text


def _romance_range(value: PartialDate, w: _Romance) -> str:
    """ "avant octobre 2021", "après 2019", "début 2003", "a mediados de noviembre de
    2021", "du 20 au 22 octobre 2021", "de 2020 a octubre de 2021"."""
    about = f" {w.about_after}" if value.approximate else ""
    if value.open_start or value.open_end:
        word = w.before if value.open_start else w.after
        return w.governed(word, *value.named_bound()) + about
    if third := value.third():
        index, whole, unit = third
        word = w.thirds[index]
        joined = (
            f"{word}{w.point(whole, unit)}"
            if word.endswith("-")
            else f"{word} {w.point(whole, unit)}"
        )
        return w.tidy(joined) + about
    lo, hi, lo_unit, hi_unit = value.lo, value.hi, value.lo_unit, value.hi_unit
    assert lo_unit is not None and hi_unit is not None  # a closed range
    end = w.point(hi, hi_unit)
    if Precision.YEAR in (lo_unit, hi_unit) or lo.year != hi.year:
        start = w.point(lo, lo_unit)
    elif lo_unit is Precision.DAY and hi_unit is Precision.DAY and lo.month == hi.month:
        start = w.day(lo, month=False)
    else:
        start = w.point(lo, lo_unit, year=False)
    text = w.tidy(f"{w.start[lo_unit]} {start} {w.end[hi_unit]} {end}")
    return f"{w.about_range} {text}" if value.approximate else text


def country_name(code: str, language: str) -> str:
    """The country's name in the document's language (django-countries ships its
    translations compiled, so this needs no catalogue of ours)."""
    if not code:
        return ""
    with translation.override(language):
        return str(countries.name(code) or code)
