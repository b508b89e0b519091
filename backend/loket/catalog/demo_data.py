"""The demo catalog (fictional): Groenbeek, Rivierstede, their provinces and Flanders.

Dates that make a call open or closed are given relative to the current year (``"Y-01-01"``,
``"Y+1-01-01"``, ``"Y-1-12-31"``), so the demo stays meaningful; :mod:`loket.catalog.demo`
fills them in. Everything else is a record in the import format of docs/catalog.md.
"""

from __future__ import annotations

from typing import Any

# (client id, name, competent authority name, level, spatial scope)
PUBLISHERS = (
    ("catalog-groenbeek", "Gemeente Groenbeek (catalogus)", "Gemeente Groenbeek", "Lokaal",
     "BE23999001"),
    ("catalog-rivierstede", "Stad Rivierstede (catalogus)", "Stad Rivierstede", "Lokaal",
     "BE24999002"),
    ("catalog-oost-vlaanderen", "Provincie Oost-Vlaanderen (catalogus)",
     "Provincie Oost-Vlaanderen", "Provinciaal", "BE23"),
    ("catalog-vlaams-brabant", "Provincie Vlaams-Brabant (catalogus)", "Provincie Vlaams-Brabant",
     "Provinciaal", "BE24"),
    ("catalog-vlaanderen", "Vlaamse overheid (catalogus)", "Vlaamse overheid", "Vlaams", "BE2"),
)

GB_CONTACT = {"email": "vrijetijd@groenbeek.example", "phone": "09 999 12 34",
              "url": "https://www.groenbeek.example/vrije-tijd",
              "openingHours": {"nl": "Ma-vr 9-12 uur, wo ook 14-19 uur",
                               "en": "Mon-Fri 9 am-12 noon, Wed also 2-7 pm"},
              "address": {"street": "Dorpsplein", "number": "1", "postcode": "9999",
                          "municipality": "Groenbeek"}}
RS_CONTACT = {"email": "info@rivierstede.example", "phone": "016 99 45 00",
              "url": "https://www.rivierstede.example/contact",
              "address": {"street": "Kaai", "number": "10", "postcode": "3999",
                          "municipality": "Rivierstede"}}
OVL_CONTACT = {"email": "sport@oost-vlaanderen.example", "phone": "09 999 30 00"}
VBR_CONTACT = {"email": "erfgoed@vlaams-brabant.example", "phone": "016 99 70 00"}
VL_CONTACT = {"phone": "1700", "url": "https://www.vlaanderen.example/contact"}


def _p(nl: str, en: str) -> dict[str, str]:
    return {"nl": nl, "en": en}


# publisher → records (without competentAuthority/spatialScope: filled from PUBLISHERS)
PRODUCTS: dict[str, list[dict[str, Any]]] = {
    "catalog-groenbeek": [
        {"id": "GB-SUB-SPORT",
         "title": _p("Subsidie voor sportverenigingen", "Grant for sports clubs"),
         "description": _p("Groenbeekse sportclubs krijgen een jaarlijkse werkingssubsidie per "
                           "actief lid en extra steun voor gediplomeerde trainers.",
                           "Sports clubs in Groenbeek receive a yearly operating grant per "
                           "active member and extra support for qualified coaches."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"],
         "keywords": {"nl": ["sport", "werkingssubsidie", "trainer"], "en": ["sport", "grant"]},
         "requirements": _p("Je club is erkend door de gemeente en heeft minstens tien leden.",
                            "Your club is recognised by the municipality and has at least "
                            "ten members."),
         "procedure": _p("Vul het aanvraagformulier in en voeg de ledenlijst toe.",
                         "Fill in the application form and attach the list of members."),
         "costs": _p("Gratis.", "Free of charge."),
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/sportsubsidie",
         "websites": [{"url": "https://www.groenbeek.example/sportsubsidie",
                       "title": _p("Reglement sportsubsidie", "Sports grant regulations")}],
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-SUB-JEUGD",
         "title": _p("Werkingssubsidie jeugdwerk", "Operating grant for youth work"),
         "description": _p("Steun voor jeugdbewegingen, jeugdhuizen en clubs met een "
                           "jeugdwerking in Groenbeek.",
                           "Support for youth movements, youth centres and clubs with youth "
                           "activities in Groenbeek."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd", "WelzijnGezondheid"],
         "keywords": {"nl": ["jeugd", "jeugdwerking"], "en": ["youth"]},
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/jeugdsubsidie",
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-ZAAL",
         "title": _p("Zaalhuur gemeentelijke zalen", "Renting municipal halls"),
         "description": _p("Huur de polyvalente zaal De Meersen of een vergaderlokaal in het "
                           "gemeentehuis voor activiteiten, vergaderingen of feesten.",
                           "Rent the multi-purpose hall De Meersen or a meeting room in the "
                           "town hall for activities, meetings or parties."),
         "type": "InfrastructuurMateriaal", "doelgroepen": ["Vereniging", "Burger", "Onderneming"],
         "themas": ["CultuurSportVrijeTijd"],
         "keywords": {"nl": ["zaal", "lokaal", "reservatie"], "en": ["hall", "room", "booking"]},
         "costs": _p("Verenigingen uit Groenbeek betalen 50 euro per dag, anderen 150 euro.",
                     "Groenbeek associations pay 50 euros a day, others 150 euros."),
         "onlineRequestUrl": "https://loket.groenbeek.example/reserveren/zalen",
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-UITLEEN",
         "title": _p("Uitleendienst: feestmateriaal", "Loan service: event equipment"),
         "description": _p("Leen tafels, stoelen, nadarhekken, een podium of een geluidsinstallatie "
                           "voor je evenement.",
                           "Borrow tables, chairs, crowd barriers, a stage or a sound system "
                           "for your event."),
         "type": "InfrastructuurMateriaal", "doelgroepen": ["Vereniging", "Burger"],
         "themas": ["CultuurSportVrijeTijd"],
         "keywords": {"nl": ["uitleen", "materiaal", "podium", "nadarhekken"],
                      "en": ["equipment", "loan", "stage"]},
         "onlineRequestUrl": "https://loket.groenbeek.example/reserveren/materiaal",
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-EVENEMENT",
         "title": _p("Evenementenvergunning", "Event permit"),
         "description": _p("Organiseer je een fuif, wedstrijd, markt of ander evenement in "
                           "Groenbeek? Vraag de vergunning minstens acht weken vooraf aan.",
                           "Organising a party, match, market or other event in Groenbeek? "
                           "Apply for the permit at least eight weeks in advance."),
         "type": "Toelating", "doelgroepen": ["Vereniging", "Burger", "Onderneming"],
         "themas": ["BurgerOverheid", "CultuurSportVrijeTijd"],
         "keywords": {"nl": ["evenement", "fuif", "vergunning"], "en": ["event", "permit"]},
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/evenement",
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-ERKENNING",
         "title": _p("Erkenning als Groenbeekse vereniging", "Recognition as a Groenbeek association"),
         "description": _p("Een erkende vereniging kan subsidies aanvragen en zalen huren aan "
                           "het verenigingstarief.",
                           "A recognised association can apply for grants and rent halls at the "
                           "association rate."),
         "type": "Bewijs", "doelgroepen": ["Vereniging"], "themas": ["BurgerOverheid"],
         "keywords": {"nl": ["erkenning"], "en": ["recognition"]},
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/erkenning",
         "contactPoints": [GB_CONTACT]},
        {"id": "GB-IDKAART",
         "title": _p("Identiteitskaart aanvragen", "Applying for an identity card"),
         "description": _p("Vraag een nieuwe elektronische identiteitskaart aan bij de dienst "
                           "Burgerzaken.",
                           "Apply for a new electronic identity card at the civil affairs desk."),
         "type": "Bewijs", "doelgroepen": ["Burger"], "themas": ["BurgerOverheid"],
         "keywords": {"nl": ["eid", "identiteitskaart"], "en": ["identity card", "eid"]},
         "costs": _p("25 euro.", "25 euros."),
         "contactPoints": [{"email": "burgerzaken@groenbeek.example", "phone": "09 999 12 00"}]},
        {"id": "GB-COMPOSTVAT",
         "title": _p("Compostvat met korting", "Discounted compost bin"),
         "description": _p("Inwoners van Groenbeek kopen een compostvat of -bak aan halve prijs.",
                           "Residents of Groenbeek buy a compost bin at half price."),
         "type": "Voorwerp", "doelgroepen": ["Burger"], "themas": ["MilieuEnergie"],
         "keywords": {"nl": ["compost", "afval"], "en": ["compost", "waste"]},
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/compostvat"},
        {"id": "GB-TERRAS",
         "title": _p("Terrasvergunning", "Terrace permit"),
         "description": _p("Horecazaken die een terras op het openbaar domein plaatsen, hebben "
                           "een vergunning nodig.",
                           "Cafés and restaurants that put a terrace on public land need a permit."),
         "type": "Toelating", "doelgroepen": ["Onderneming"], "themas": ["EconomieWerk"],
         "onlineRequestUrl": "https://loket.groenbeek.example/aanvragen/terras"},
    ],
    "catalog-rivierstede": [
        {"id": "RS-SUB-SPORT",
         "title": _p("Impulssubsidie sportclubs Rivierstede", "Rivierstede sports club boost grant"),
         "description": _p("Eenmalige steun voor Rivierstedse sportclubs die een nieuwe ploeg "
                           "of sporttak opstarten.",
                           "One-off support for Rivierstede sports clubs starting a new team or "
                           "sport."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"],
         "keywords": {"nl": ["sport", "subsidie"], "en": ["sport", "grant"]},
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://e-loket.rivierstede.example/sportimpuls",
         "contactPoints": [RS_CONTACT]},
        {"id": "RS-SUB-NATUUR",
         "title": _p("Natuurprojectsubsidie", "Nature project grant"),
         "description": _p("Verenigingen die in Rivierstede natuur aanleggen, beheren of "
                           "tellen, krijgen tot 2.500 euro per project.",
                           "Associations that create, manage or survey nature in Rivierstede "
                           "receive up to 2,500 euros per project."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"], "themas": ["MilieuEnergie"],
         "keywords": {"nl": ["natuur", "biodiversiteit", "subsidie"],
                      "en": ["nature", "biodiversity", "grant"]},
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://e-loket.rivierstede.example/natuurproject",
         "contactPoints": [RS_CONTACT]},
        {"id": "RS-SUB-CULTUUR",
         "title": _p("Subsidie culturele verenigingen", "Grant for cultural associations"),
         "description": _p("Werkingssteun voor koren, toneelkringen, fanfares en andere "
                           "culturele verenigingen uit Rivierstede.",
                           "Operating support for choirs, theatre groups, brass bands and other "
                           "cultural associations in Rivierstede."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"],
         "onlineRequestUrl": "https://e-loket.rivierstede.example/cultuursubsidie",
         "contactPoints": [RS_CONTACT]},
        {"id": "RS-ZAAL",
         "title": _p("Zaalhuur cultuurcentrum De Oever", "Renting rooms at cultural centre De Oever"),
         "description": _p("Zalen voor 20 tot 400 personen, met podium en bar.",
                           "Rooms for 20 to 400 people, with a stage and a bar."),
         "type": "InfrastructuurMateriaal", "doelgroepen": ["Vereniging", "Burger"],
         "themas": ["CultuurSportVrijeTijd"],
         "onlineRequestUrl": "https://e-loket.rivierstede.example/zaalhuur",
         "contactPoints": [RS_CONTACT]},
        {"id": "RS-REGENWATER",
         "title": _p("Premie regenwaterput", "Rainwater tank premium"),
         "description": _p("Wie een regenwaterput plaatst en aansluit, krijgt tot 500 euro terug.",
                           "Install and connect a rainwater tank and get up to 500 euros back."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Burger"],
         "themas": ["MilieuEnergie", "BouwenWonen"],
         "onlineRequestUrl": "https://e-loket.rivierstede.example/regenwaterput"},
        {"id": "RS-EVENEMENT",
         "title": _p("Evenement organiseren in Rivierstede", "Organising an event in Rivierstede"),
         "description": _p("Meld je evenement en vraag de nodige vergunningen aan via één "
                           "formulier.",
                           "Register your event and apply for the permits you need with one "
                           "form."),
         "type": "Toelating", "doelgroepen": ["Vereniging", "Burger"],
         "themas": ["BurgerOverheid", "CultuurSportVrijeTijd"],
         "onlineRequestUrl": "https://e-loket.rivierstede.example/evenement"},
    ],
    "catalog-oost-vlaanderen": [
        {"id": "OVL-SUB-SPORTKAMP",
         "title": _p("Provinciale subsidie voor sportkampen", "Provincial grant for sports camps"),
         "description": _p("Oost-Vlaamse verenigingen die een sportkamp voor kinderen of "
                           "jongeren organiseren, krijgen een tussenkomst per deelnemer.",
                           "Associations in East Flanders organising a sports camp for children "
                           "or young people receive a contribution per participant."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"], "keywords": {"nl": ["sportkamp"], "en": ["camp"]},
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://www.oost-vlaanderen.example/sportkampen",
         "contactPoints": [OVL_CONTACT]},
        {"id": "OVL-NATUUREDUCATIE",
         "title": _p("Uitleen natuureducatief materiaal", "Loan of nature education kits"),
         "description": _p("Leen zoekkaarten, schepnetten en verrekijkers voor een natuuractiviteit.",
                           "Borrow identification cards, dip nets and binoculars for a nature "
                           "activity."),
         "type": "InfrastructuurMateriaal", "doelgroepen": ["Vereniging", "Burger"],
         "themas": ["MilieuEnergie", "OnderwijsWetenschap"],
         "contactPoints": [OVL_CONTACT]},
    ],
    "catalog-vlaams-brabant": [
        {"id": "VBR-SUB-ERFGOED",
         "title": _p("Subsidie voor erfgoedprojecten", "Grant for heritage projects"),
         "description": _p("Steun voor verenigingen die lokaal erfgoed in Vlaams-Brabant "
                           "onderzoeken of tonen.",
                           "Support for associations researching or showing local heritage in "
                           "Flemish Brabant."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"],
         "onlineRequestUrl": "https://www.vlaams-brabant.example/erfgoedsubsidie",
         "contactPoints": [VBR_CONTACT]},
        {"id": "VBR-FIETSPARKING",
         "title": _p("Uitleen mobiele fietsenstalling", "Loan of a mobile bicycle park"),
         "description": _p("Een aanhangwagen met fietsrekken voor 150 fietsen, voor evenementen.",
                           "A trailer with racks for 150 bicycles, for events."),
         "type": "InfrastructuurMateriaal", "doelgroepen": ["Vereniging", "LokaalBestuur"],
         "themas": ["MobiliteitOpenbareWerken"], "contactPoints": [VBR_CONTACT]},
    ],
    "catalog-vlaanderen": [
        {"id": "VL-EVENEMENT-GEWESTWEG",
         "title": _p("Evenementenvergunning voor gewestwegen", "Event permit for regional roads"),
         "description": _p("Gebruikt je evenement (een wielerwedstrijd, stoet of loop) een "
                           "gewestweg? Vraag dan toestemming aan de Vlaamse wegbeheerder.",
                           "Does your event (a cycle race, parade or run) use a regional road? "
                           "Then ask the Flemish road authority for permission."),
         "type": "Toelating", "doelgroepen": ["Vereniging", "Onderneming", "Burger"],
         "themas": ["MobiliteitOpenbareWerken", "CultuurSportVrijeTijd"],
         "keywords": {"nl": ["evenement", "gewestweg", "wielerwedstrijd"],
                      "en": ["event", "regional road"]},
         "onlineRequestUrl": "https://www.vlaanderen.example/evenement-gewestweg",
         "contactPoints": [VL_CONTACT]},
        {"id": "VVT-SPORTINFRA",
         "title": _p("Subsidie voor sportinfrastructuur", "Grant for sports infrastructure"),
         "description": _p("Vlaanderen steunt verenigingen die sportaccommodatie bouwen, "
                           "renoveren of verduurzamen.",
                           "Flanders supports associations that build, renovate or make sports "
                           "facilities more sustainable."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging", "LokaalBestuur"],
         "themas": ["CultuurSportVrijeTijd"],
         "startDate": "Y-01-01", "endDate": "Y-12-31",
         "onlineRequestUrl": "https://vrijetijd.vlaanderen.example/sportinfrastructuur",
         "contactPoints": [VL_CONTACT]},
        {"id": "VL-VRIJWILLIGERS",
         "title": _p("Gratis verzekering voor vrijwilligers", "Free insurance for volunteers"),
         "description": _p("Feitelijke verenigingen verzekeren hun vrijwilligers gratis voor "
                           "een beperkt aantal activiteiten per jaar.",
                           "Unincorporated associations insure their volunteers free of charge "
                           "for a limited number of activities a year."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["WelzijnGezondheid", "BurgerOverheid"],
         "onlineRequestUrl": "https://www.vlaanderen.example/vrijwilligersverzekering",
         "contactPoints": [VL_CONTACT]},
        {"id": "VL-COHESIE-OPROEP",
         "title": _p("Projectoproep sociale cohesie", "Call for projects: social cohesion"),
         "description": _p("Nieuwe oproep voor buurtprojecten die mensen samenbrengen.",
                           "New call for neighbourhood projects that bring people together."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging", "LokaalBestuur"],
         "themas": ["WelzijnGezondheid"],
         "startDate": "Y+1-01-01", "endDate": "Y+1-03-31",
         "onlineRequestUrl": "https://www.vlaanderen.example/oproep-cohesie"},
        {"id": "VL-RELANCE-VERENIGINGEN",
         "title": _p("Relancesteun verenigingen", "Recovery support for associations"),
         "description": _p("Eenmalige steun voor verenigingen na een moeilijk jaar; de oproep is "
                           "afgelopen.",
                           "One-off support for associations after a difficult year; the call "
                           "has ended."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Vereniging"],
         "themas": ["CultuurSportVrijeTijd"],
         "startDate": "Y-1-01-01", "endDate": "Y-1-12-31"},
        {"id": "VL-STUDIETOELAGE",
         "title": _p("Studietoelage", "Study grant"),
         "description": _p("Een toelage voor leerlingen en studenten uit gezinnen met een "
                           "bescheiden inkomen.",
                           "A grant for pupils and students from families with a modest income."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Burger"],
         "themas": ["OnderwijsWetenschap"],
         "onlineRequestUrl": "https://www.vlaanderen.example/studietoelage",
         "contactPoints": [VL_CONTACT]},
        {"id": "VL-KMO-PORTEFEUILLE",
         "title": _p("KMO-portefeuille", "SME wallet"),
         "description": _p("Ondernemingen krijgen steun voor opleiding en advies.",
                           "Businesses receive support for training and advice."),
         "type": "FinancieelVoordeel", "doelgroepen": ["Onderneming"],
         "themas": ["EconomieWerk"],
         "onlineRequestUrl": "https://www.vlaanderen.example/kmo-portefeuille"},
    ],
}
