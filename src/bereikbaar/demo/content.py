"""The demo's words: Dutch names, places and the questions customers of an energy company ask.

Plain data, no Django. Placeholders in texts: {voornaam} {naam} {order} {bedrag} {maand}
{datum} {stad} {straat} {agent} {meter} {dagen}.
"""

ORGANISATION = "Zonnestroom Nederland B.V."
SUPPORT_ADDRESS = "klantenservice@zonnestroom.example"

TEAMS = [
    # slug, name, is_default
    ("klantenservice", "Klantenservice", True),
    ("facturatie", "Facturatie", False),
    ("technische-dienst", "Technische dienst", False),
]

# username, first name, last name, teams, languages, max_concurrent, presence
AGENTS = [
    ("sanne", "Sanne", "de Jong", ["klantenservice"], ["nl", "en"], 15, "online"),
    ("daan", "Daan", "Visser", ["klantenservice", "technische-dienst"], ["nl"], 12, "online"),
    ("fatima", "Fatima", "El Amrani", ["klantenservice"], ["nl", "en"], 15, "online"),
    ("lotte", "Lotte", "Bakker", ["klantenservice", "facturatie"], ["nl"], 12, "away"),
    ("jeroen", "Jeroen", "Smit", ["facturatie"], ["nl"], 15, "online"),
    ("emma", "Emma", "van Dijk", ["facturatie"], ["nl", "en"], 12, "offline"),
    ("mohammed", "Mohammed", "Yilmaz", ["technische-dienst"], ["nl", "en"], 10, "online"),
    ("bas", "Bas", "Meijer", ["technische-dienst"], ["nl"], 10, "offline"),
]

AGENT_PASSWORD = "demo"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "demo-admin-wachtwoord"

# fmt: off
FIRST_NAMES = [
    "Jan", "Piet", "Kees", "Henk", "Willem", "Gerrit", "Johan", "Marco", "Peter", "Ruud",
    "Bram", "Thijs", "Lucas", "Sem", "Noah", "Finn", "Jesse", "Ruben", "Tim", "Stijn",
    "Ahmed", "Youssef", "Mehmet", "Rajesh", "Wouter", "Joost", "Erik", "Martijn", "Hans", "Dirk",
    "Anna", "Maria", "Els", "Ingrid", "Marieke", "Linda", "Sandra", "Monique", "Petra", "Anouk",
    "Femke", "Iris", "Julia", "Sophie", "Lisa", "Eva", "Noor", "Fleur", "Saskia", "Esther",
    "Yasmina", "Aylin", "Priya", "Chantal", "Hanneke", "Karin", "Mirjam", "Wilma", "Joke", "Nienke",
]

LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek",
    "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam",
    "Prins", "Blom", "Huisman", "Peeters", "Kuipers", "Postma", "Kramer", "Veenstra", "Bosman",
    "Yilmaz", "El Idrissi", "Kaya", "Ramdin", "Nguyen",
]

EMAIL_DOMAINS = ["voorbeeld.nl", "example.nl", "example.com", "example.org"]

CITIES = [
    "Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort",
    "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Zoetermeer", "Deventer", "Delft", "Alkmaar",
    "Leeuwarden", "Venlo", "Hoorn", "Gouda", "Assen", "Emmen", "Middelburg",
]

STREETS = [
    "Kerkstraat", "Dorpsstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Julianalaan",
    "Beatrixstraat", "Wilhelminapark", "Lindelaan", "Eikenlaan", "Zonnebloemstraat",
    "Tulpstraat", "Havenkade", "Nieuwe Gracht", "Prinsengracht", "Boslaan",
]

MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
]
# fmt: on

# Each topic: the team that handles it, how often it comes up, and what people write.
# "short" suits WhatsApp, SMS and chat; "long" an email or web form; "call" summarises a call.
TOPICS = [
    {
        "key": "levering",
        "team": "klantenservice",
        "weight": 14,
        "subjects": ["Pakket niet ontvangen", "Bestelling {order} nog niet geleverd"],
        "short": [
            "Hoi, mijn bestelling {order} zou {datum} komen maar ik heb nog niks ontvangen. "
            "Waar blijft het?",
            "Ik wacht nu al {dagen} dagen op mijn pakket ({order}). Track & trace zegt "
            "'bezorgd' maar er is niets!",
            "Goedemiddag, wanneer wordt de slimme stekker van bestelling {order} bezorgd?",
        ],
        "long": [
            "Op {datum} heb ik bij jullie een energiemonitor besteld (bestelnummer {order}). "
            "Volgens de bevestiging zou deze binnen 3 werkdagen geleverd worden, maar ik heb "
            "nog steeds niets ontvangen. Kunnen jullie nagaan waar het pakket is?",
            "Volgens de track & trace is mijn pakket ({order}) gisteren bezorgd, maar ik was de "
            "hele dag thuis en er is niets afgeleverd. Ook de buren hebben niets. Ik wil graag "
            "weten hoe dit nu verder gaat.",
        ],
        "call": [
            "Klant belt over bestelling {order}: pakket is niet aangekomen, track & trace "
            "staat op 'bezorgd'.",
            "Klant wil weten wanneer bestelling {order} geleverd wordt.",
        ],
        "followup": [
            "Nog steeds niets ontvangen hoor.",
            "Dank je. Krijg ik dan een nieuwe verzendbevestiging?",
            "Het pakket lag bij de buren op nummer 12, excuus! Alles is in orde.",
        ],
        "replies": [
            "Vervelend dat je pakket nog niet binnen is. Ik heb het bij de vervoerder nagevraagd: "
            "bestelling {order} wordt morgen alsnog bezorgd. Je ontvangt vanavond een nieuwe "
            "track & trace-code.",
            "Ik zie dat het pakket als bezorgd staat geregistreerd. We hebben een onderzoek bij "
            "de vervoerder gestart; lukt het niet binnen 2 werkdagen, dan sturen we kosteloos "
            "een nieuwe energiemonitor.",
        ],
        "notes": [
            "Onderzoek aangevraagd bij PostNL, referentie {order}.",
            "Vervangende zending aangemaakt, klant hierover geïnformeerd.",
        ],
    },
    {
        "key": "factuur",
        "team": "facturatie",
        "weight": 16,
        "subjects": ["Factuur te hoog", "Vraag over jaarafrekening", "Dubbele afschrijving"],
        "short": [
            "Mijn jaarafrekening is € {bedrag} hoger dan vorig jaar terwijl we minder "
            "verbruiken. Klopt dat wel?",
            "Er is deze maand twee keer € {bedrag} afgeschreven! Graag terugstorten.",
            "Waarom is mijn factuur van {maand} zo hoog? Ik snap er niks van.",
        ],
        "long": [
            "Vandaag ontving ik mijn jaarafrekening en ik moet € {bedrag} bijbetalen. Dat kan "
            "volgens mij niet kloppen: we hebben sinds vorig jaar zonnepanelen en verbruiken "
            "juist minder. Zijn de terugleveringen wel meegerekend? Ik zie ze nergens op de "
            "factuur staan.",
            "Op mijn bankafschrift zie ik dat het termijnbedrag van {maand} twee keer is "
            "afgeschreven (2 x € {bedrag}). Willen jullie het teveel betaalde bedrag zo snel "
            "mogelijk terugstorten?",
        ],
        "call": [
            "Klant belt boos over jaarafrekening: moet € {bedrag} bijbetalen, vermoedt dat "
            "teruglevering niet is verrekend.",
            "Klant meldt dubbele afschrijving van het termijnbedrag in {maand}.",
        ],
        "followup": [
            "Bedankt voor de uitleg, maar ik vind het nog steeds veel.",
            "Top, dan wacht ik de creditnota af.",
            "Kan ik het bedrag ook in termijnen betalen?",
        ],
        "replies": [
            "Ik heb je jaarafrekening nagekeken. De teruglevering van je zonnepanelen was "
            "inderdaad niet verrekend. Je ontvangt binnen 5 werkdagen een gecorrigeerde "
            "factuur; het bijbetaalbedrag wordt daardoor flink lager.",
            "Excuses voor de dubbele afschrijving van € {bedrag}. Het bedrag staat binnen 3 "
            "werkdagen weer op je rekening.",
            "Je kunt het bedrag in 6 maandelijkse termijnen betalen. Ik heb de "
            "betalingsregeling voor je klaargezet.",
        ],
        "notes": [
            "Creditnota aangemaakt, teruglevering handmatig verrekend.",
            "Terugstorting € {bedrag} ingepland.",
            "Betalingsregeling 6 termijnen vastgelegd.",
        ],
    },
    {
        "key": "storing",
        "team": "technische-dienst",
        "weight": 13,
        "subjects": ["Omvormer geeft storing", "Zonnepanelen leveren niets op", "Storing omvormer"],
        "short": [
            "Mijn omvormer knippert rood en geeft foutcode E{meter}. De panelen leveren "
            "sinds gisteren niks meer op.",
            "De app laat al {dagen} dagen 0 kWh zien, terwijl de zon volop schijnt. "
            "Is er een storing?",
            "Help, de omvormer maakt een raar zoemend geluid en het lampje is oranje.",
        ],
        "long": [
            "Sinds {datum} levert onze installatie niets meer op. Op de omvormer knippert een "
            "rood lampje met foutcode E{meter}. Ik heb hem al uit- en aangezet volgens de "
            "handleiding, maar dat hielp niet. Kan er een monteur langskomen? We wonen aan de "
            "{straat} in {stad}.",
            "In de app zie ik dat de opbrengst van de zonnepanelen de afgelopen weken ongeveer "
            "gehalveerd is. Er is niets veranderd aan het dak of in de omgeving. Kunnen jullie "
            "op afstand meekijken?",
        ],
        "call": [
            "Klant belt: omvormer in storing (foutcode E{meter}), panelen leveren niets op. "
            "Reset geprobeerd, zonder resultaat.",
            "Klant meldt sterk teruggelopen opbrengst volgens de app.",
        ],
        "followup": [
            "Ik heb de reset gedaan maar het rode lampje brandt nog steeds.",
            "Het werkt weer, hartelijk dank!",
            "Welke dag komt de monteur precies?",
        ],
        "replies": [
            "Ik heb op afstand meegekeken: de omvormer heeft de verbinding met het net "
            "verloren. Zet de groep in de meterkast 30 seconden uit en weer aan; daarna zou hij "
            "binnen 5 minuten weer moeten leveren.",
            "Er komt op {datum} tussen 8:00 en 12:00 een monteur langs om de omvormer te "
            "vervangen. Dit valt onder de garantie, er zijn geen kosten voor je.",
        ],
        "notes": [
            "Omvormer op afstand uitgelezen: netfout, firmware verouderd. Update gepland.",
            "Monteursafspraak ingepland, omvormer op voorraad.",
        ],
    },
    {
        "key": "verhuizing",
        "team": "klantenservice",
        "weight": 9,
        "subjects": ["Verhuizing doorgeven", "Wij gaan verhuizen"],
        "short": [
            "Hoi! Wij verhuizen op {datum} naar de {straat} in {stad}. Kan het contract mee?",
            "Ik ga verhuizen, wat moet ik doen met mijn energiecontract?",
        ],
        "long": [
            "Per {datum} verhuizen wij naar de {straat} in {stad}. Ik wil graag mijn "
            "energiecontract meenemen naar het nieuwe adres. Wat hebben jullie van mij nodig? "
            "De meterstanden van de oude woning geef ik op de verhuisdag door.",
        ],
        "call": [
            "Klant geeft verhuizing door per {datum}, nieuw adres {straat}, {stad}.",
        ],
        "followup": [
            "Moet ik de meterstanden ook bij jullie doorgeven?",
            "Fijn, dank je wel!",
        ],
        "replies": [
            "Gefeliciteerd met je nieuwe woning! Ik heb de verhuizing per {datum} verwerkt. Geef "
            "op de verhuisdag de meterstanden van beide adressen door via de app, dan zorgen wij "
            "voor de rest.",
        ],
        "notes": ["Verhuizing vastgelegd, eindafrekening oude adres volgt automatisch."],
    },
    {
        "key": "meterstand",
        "team": "facturatie",
        "weight": 9,
        "subjects": ["Meterstand doorgeven", "Meterstand klopt niet"],
        "short": [
            "Mijn meterstand is {meter}1 kWh (normaal) en {meter}7 kWh (dal). "
            "Kunnen jullie die verwerken?",
            "De app accepteert mijn meterstand niet, er komt steeds een foutmelding.",
            "Volgens jullie is mijn meterstand veel hoger dan wat er echt op de meter staat.",
        ],
        "long": [
            "Bij het doorgeven van mijn meterstand in de app krijg ik de melding dat de stand "
            "'onwaarschijnlijk' is. De stand is echt {meter}42 kWh, ik heb er een foto van "
            "gemaakt. Hoe kan ik hem toch doorgeven?",
        ],
        "call": ["Klant geeft meterstand telefonisch door: {meter}42 kWh normaal, {meter}18 dal."],
        "followup": ["Zal ik de foto van de meter sturen?", "Ok, helder. Bedankt."],
        "replies": [
            "Dank je wel, ik heb de meterstand handmatig voor je verwerkt. Je termijnbedrag "
            "blijft gelijk.",
            "De app keurt standen af die sterk afwijken van de schatting. Ik heb je stand "
            "handmatig ingevoerd, dus je hoeft niets meer te doen.",
        ],
        "notes": ["Meterstand handmatig ingevoerd na controle foto."],
    },
    {
        "key": "termijnbedrag",
        "team": "facturatie",
        "weight": 7,
        "subjects": ["Termijnbedrag aanpassen", "Maandbedrag te hoog"],
        "short": [
            "Kan mijn maandbedrag omlaag? Met de zonnepanelen verbruik ik veel minder.",
            "Ik wil mijn termijnbedrag verhogen naar € {bedrag} om niet bij te hoeven betalen.",
        ],
        "long": [
            "Sinds de installatie van onze zonnepanelen verbruiken we een stuk minder stroom. "
            "Het huidige termijnbedrag lijkt me daardoor te hoog. Kunnen jullie het aanpassen "
            "naar een realistischer bedrag?",
        ],
        "call": ["Klant wil termijnbedrag aanpassen i.v.m. lager verbruik."],
        "followup": ["Gaat dat al in vanaf volgende maand?"],
        "replies": [
            "Ik heb je termijnbedrag aangepast naar € {bedrag} per maand, ingaand per de "
            "eerstvolgende termijn.",
        ],
        "notes": ["Termijnbedrag aangepast op verzoek klant."],
    },
    {
        "key": "opzeggen",
        "team": "klantenservice",
        "weight": 5,
        "subjects": ["Contract opzeggen", "Opzegging"],
        "short": ["Ik wil mijn contract opzeggen per {datum}. Hoe gaat dat?"],
        "long": [
            "Hierbij zeg ik mijn energiecontract op per {datum}. Ik ontvang graag een "
            "schriftelijke bevestiging en de eindafrekening.",
        ],
        "call": ["Klant wil opzeggen per {datum}; retentieaanbod gedaan."],
        "followup": ["Ik blijf toch bij mijn besluit.", "Ok, dan denk ik er nog even over na."],
        "replies": [
            "Jammer dat je weggaat! Ik heb de opzegging per {datum} verwerkt. De "
            "eindafrekening ontvang je binnen 6 weken na die datum.",
        ],
        "notes": ["Opzegging verwerkt, geen opzegvergoeding (contract onbepaalde tijd)."],
    },
    {
        "key": "laadpaal",
        "team": "technische-dienst",
        "weight": 6,
        "subjects": ["Laadpaal laadt niet", "Storing laadpaal"],
        "short": [
            "Mijn laadpaal laadt de auto niet meer op, het lampje blijft blauw knipperen.",
            "De laadpaal stopt na een paar minuten met laden. Wat kan ik doen?",
        ],
        "long": [
            "Sinds de stroomstoring van afgelopen week laadt onze laadpaal niet meer. Het "
            "display geeft 'wachten op netwerk'. Ik heb de paal al opnieuw opgestart. Kunnen "
            "jullie op afstand kijken?",
        ],
        "call": ["Klant belt: laadpaal laadt niet na stroomstoring, display 'wachten op netwerk'."],
        "followup": ["Hij laadt weer, super!", "Nog steeds hetzelfde probleem helaas."],
        "replies": [
            "Ik heb de laadpaal op afstand opnieuw gekoppeld. Wil je de laadkabel er even uit "
            "halen en opnieuw insteken? Dan zou het laden weer moeten starten.",
        ],
        "notes": ["Laadpaal opnieuw gekoppeld aan backoffice, firmware bijgewerkt."],
    },
    {
        "key": "teruglevering",
        "team": "facturatie",
        "weight": 6,
        "subjects": ["Terugleververgoeding", "Vraag over terugleverkosten"],
        "short": [
            "Waarom betaal ik terugleverkosten? Dat stond nergens in mijn contract.",
            "Hoeveel krijg ik eigenlijk per kWh die ik teruglever?",
        ],
        "long": [
            "Op mijn laatste factuur staan ineens terugleverkosten van € {bedrag}. Bij het "
            "afsluiten van het contract is mij verteld dat er geen kosten zouden zijn voor "
            "teruglevering. Graag een toelichting.",
        ],
        "call": ["Klant vraagt toelichting op terugleverkosten (€ {bedrag})."],
        "followup": ["Dat had ik graag eerder geweten.", "Helder, dank voor de uitleg."],
        "replies": [
            "De terugleverkosten gelden sinds 1 {maand} voor alle variabele contracten; je "
            "hebt hierover een brief ontvangen. Ik heb als gebaar van goede wil € 25 "
            "gecrediteerd.",
        ],
        "notes": ["Coulance € 25 toegekend vanwege onduidelijke communicatie."],
    },
    {
        "key": "gegevens",
        "team": "klantenservice",
        "weight": 6,
        "subjects": ["Gegevens wijzigen", "Nieuw rekeningnummer"],
        "short": [
            "Ik heb een nieuw rekeningnummer, kan ik dat via jullie doorgeven?",
            "Mijn e-mailadres is gewijzigd, kunnen jullie dat aanpassen?",
        ],
        "long": [
            "Graag wijzig ik het IBAN waarvan de termijnbedragen worden afgeschreven. Het "
            "nieuwe nummer stuur ik hierbij mee. Wilt u bevestigen dat dit is aangepast?",
        ],
        "call": ["Klant geeft nieuw rekeningnummer door; identiteit gecontroleerd."],
        "followup": ["Dank je!"],
        "replies": [
            "Ik heb je gegevens aangepast. De volgende afschrijving gaat van het nieuwe "
            "rekeningnummer."
        ],
        "notes": ["IBAN gewijzigd na controle geboortedatum en adres."],
    },
    {
        "key": "english",
        "team": "klantenservice",
        "weight": 3,
        "subjects": ["Question about my contract", "Invoice question"],
        "short": [
            "Hi, I just moved to {stad} and would like to start an energy contract. "
            "Do you speak English?",
            "Hello, I don't understand my invoice of {maand}. Can you explain it in English?",
        ],
        "long": [
            "Dear customer service, I recently moved to the Netherlands and received my first "
            "invoice of € {bedrag}. Could you please explain the different costs on it? Thank you!",
        ],
        "call": ["English-speaking customer asks for explanation of invoice (€ {bedrag})."],
        "followup": ["Thanks, that helps a lot!"],
        "replies": [
            "Of course! Your invoice consists of the fixed delivery costs, the grid operator's "
            "network costs and your usage. I have sent you a breakdown by email.",
        ],
        "notes": ["Klant Engelstalig, uitleg per e-mail gestuurd."],
    },
]

# A second contact on another channel, minutes after the first, about the same question.
DOUBLE_CONTACT = {
    "whatsapp": [
        "Ik heb jullie net ook gemaild, maar het is dringend: {kort}",
        "Stuurde zojuist een mail, maar via WhatsApp gaat het vast sneller. {kort}",
    ],
    "phone": [
        "Klant belt na eigen bericht van een paar minuten geleden, wil sneller antwoord: {kort}",
    ],
    "email": [
        "Ik had het ook al via de chat gevraagd, maar voor de zekerheid nog per e-mail: {kort}",
    ],
    "sms": ["Ik heb ook al gemaild. {kort}"],
}

EMAIL_OPENINGS = ["Beste klantenservice,", "Goedemiddag,", "Geachte heer/mevrouw,", "Hallo,"]
EMAIL_CLOSINGS = ["Met vriendelijke groet,", "Groet,", "Alvast bedankt,", "Vriendelijke groeten,"]

CANNED_RESPONSES = [
    ("begroeting", "Begroeting", "Hoi {naam}, dank je voor je bericht! Ik help je graag verder."),
    (
        "vertraging",
        "Excuses voor vertraging",
        "Excuses dat het wat langer duurde. We hebben het nu met voorrang opgepakt.",
    ),
    (
        "meterstand",
        "Meterstand doorgeven",
        "Je kunt je meterstand het makkelijkst doorgeven in de Zonnestroom-app onder "
        "'Mijn verbruik' > 'Meterstand doorgeven'. Een foto van de meter mag ook.",
    ),
    (
        "factuur-uitleg",
        "Uitleg jaarafrekening",
        "Je jaarafrekening bestaat uit je verbruik min je teruglevering, de vaste "
        "leveringskosten en de netbeheerkosten. Daarvan gaan je betaalde termijnbedragen af.",
    ),
    (
        "omvormer-reset",
        "Omvormer resetten",
        "Zet de groep van de omvormer in de meterkast 30 seconden uit en weer aan. Na ongeveer "
        "5 minuten zou het lampje groen moeten worden.",
    ),
    (
        "verhuizing",
        "Verhuizing",
        "Geef je verhuizing door via de app of via dit gesprek: nieuw adres, verhuisdatum en "
        "de meterstanden van beide adressen op de verhuisdag.",
    ),
    ("afsluiting", "Afsluiting", "Is er verder nog iets waarmee ik je kan helpen? Fijne dag!"),
]
