"""The full-text index of each engine, and a starting list of Dutch synonyms agents can edit.

SQLite: an FTS5 table over the pre-processed tokens (rowid = article id).
PostgreSQL: a stored generated tsvector column (title weighted 'A') over the same tokens,
with a GIN index; Django's model does not list it, the database fills it.
"""

from django.db import migrations

FTS = "helpcenter_article_fts"
PG_INDEX = "helpcenter_article_tsv_gin"
TSV = (
    "setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "to_tsvector('simple'::regconfig, search_body)"
)

# (term, synonyms): each row is one set of words customers use for the same thing.
DEFAULT_SYNONYMS = [
    ("wachtwoord", "inlogcode, password, paswoord, wachtwoord kwijt"),
    ("inloggen", "aanmelden, inlog, login, account"),
    ("factuur", "rekening, nota, afrekening"),
    ("jaarafrekening", "jaarrekening, jaarnota"),
    ("termijnbedrag", "voorschot, maandbedrag, maandtermijn, voorschotbedrag"),
    ("opzeggen", "beeindigen, opzegging, contract stopzetten"),
    ("verhuizen", "verhuizing, nieuw adres, ander adres, verhuis, huis verkocht, nieuwe woning"),
    ("storing", "kapot, defect, werkt niet, ligt eruit, uitgevallen"),
    ("omvormer", "inverter"),
    ("zonnepanelen", "panelen, pv, zonnepaneel, zonne-energie"),
    ("meterstand", "meterstanden, stand, tellerstand"),
    ("incasso", "automatische incasso, afschrijving, machtiging"),
    ("terugbetaling", "teruggave, geld terug, restitutie"),
    ("betalingsregeling", "betaalregeling, gespreid betalen, in termijnen betalen"),
    ("aanmaning", "herinnering, betalingsherinnering, incassobureau"),
    ("terugleveren", "teruglevering, salderen, saldering"),
    ("klantnummer", "klantnr, contractnummer"),
    ("slimme meter", "digitale meter, p1 poort"),
    ("laadpaal", "laadpunt, thuislader"),
    ("thuisbatterij", "batterij, accu"),
    ("monteur", "installateur"),
    ("email", "e-mail, mail, mailadres"),
    ("iban", "rekeningnummer, bankrekening, bankrekeningnummer"),
    ("overlijden", "overleden"),
    ("tarief", "prijs, tarieven, kosten per kwh"),
    ("app", "mijn zonnestroom, mijn omgeving, klantportaal"),
    ("wijzigen", "veranderen, aanpassen, updaten"),
    ("kopen", "aanschaffen, aanschaf, bestellen"),
    ("schoonmaken", "reinigen, poetsen, wassen"),
    ("installeren", "plaatsen, aanleggen, monteren"),
    ("foutcode", "foutmelding, error, errorcode"),
    ("verificatiecode", "sms-code, verificatie, tweestapsverificatie, 2fa"),
    ("stroom", "elektriciteit, electriciteit"),
    ("prijsverhoging", "prijsstijging, tariefwijziging, duurder, tarieven omhoog"),
    ("overstappen", "klant worden, aanmelden, overstap"),
    ("annuleren", "herroepen, bedenktijd"),
    ("klacht", "ontevreden, klagen, boos"),
    ("e-mailadres", "emailadres, mailadres"),
    ("teruggestort", "terugstorten, geld terug, terugbetaald"),
]


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                "title, body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        elif conn.vendor == "postgresql":
            cur.execute(
                "ALTER TABLE helpcenter_article ADD COLUMN IF NOT EXISTS search_tsv tsvector "
                f"GENERATED ALWAYS AS ({TSV}) STORED"
            )
            cur.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON helpcenter_article USING gin (search_tsv)"
            )
    Synonym = apps.get_model("helpcenter", "Synonym")
    if not Synonym.objects.exists():
        Synonym.objects.bulk_create(
            [Synonym(term=t, synonyms=s, language="nl") for t, s in DEFAULT_SYNONYMS]
        )


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif conn.vendor == "postgresql":
            cur.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
            cur.execute("ALTER TABLE helpcenter_article DROP COLUMN IF EXISTS search_tsv")


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
