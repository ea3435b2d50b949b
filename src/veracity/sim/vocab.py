"""Hand-written vocabularies and templates, one small set per language.

Everything the simulator writes is assembled from these lists, so the corpus is reproducible,
licence-free and small. Claims are ``subject + predicate``; every subject agrees with every
predicate grammatically (plural subjects, verb phrases), so any pair makes a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    """Word lists for one language."""

    language: str
    regions: tuple[str, ...]
    subjects: tuple[str, ...]
    false_predicates: tuple[str, ...]
    related_predicates: tuple[str, ...]
    qualifiers: tuple[str, ...]
    synonyms: dict[str, tuple[str, ...]]
    fillers: tuple[str, ...]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    post_templates: tuple[str, ...]
    topics: tuple[str, ...]
    places: tuple[str, ...]
    times: tuple[str, ...]
    hashtags: tuple[str, ...]
    comments: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    bios: tuple[str, ...]
    spam: tuple[str, ...]
    scam: tuple[str, ...]
    bait: tuple[str, ...]
    publishers: tuple[str, ...]


EN = Vocabulary(
    language="en",
    regions=("US", "GB", "CA", "AU", "IE", "IN"),
    subjects=(
        "5G towers",
        "the new flu vaccines",
        "electric cars",
        "smart meters",
        "wind turbines",
        "fluoride tablets",
        "the city water filters",
        "school tablets",
        "cloud seeding planes",
        "lab-grown burgers",
        "contactless bank cards",
        "solar farms",
    ),
    false_predicates=(
        "secretly record every conversation in your home",
        "cause severe headaches in young children",
        "were banned in Europe after a hidden study",
        "contain tiny tracking chips made by the government",
        "change the weather in whole regions",
        "make people sick within three days",
        "are being used to control the population",
        "poison the soil for hundreds of years",
        "were invented to steal your personal data",
        "are linked to a sudden rise in heart attacks",
        "can be switched off remotely by the banks",
        "send your location to foreign spies every night",
    ),
    related_predicates=(
        "are being installed in more towns this year",
        "were discussed at the council meeting on Tuesday",
        "got cheaper according to the latest consumer survey",
        "need a regular inspection by a certified technician",
        "are the topic of a new documentary on public television",
        "had a small price increase last month",
    ),
    qualifiers=("", "according to leaked documents", "since last year", "and nobody reports it"),
    synonyms={
        "secretly": ("quietly", "covertly"),
        "record": ("capture", "tape"),
        "every": ("each", "all"),
        "severe": ("terrible", "strong"),
        "young": ("small", "little"),
        "children": ("kids",),
        "banned": ("prohibited", "outlawed"),
        "hidden": ("secret", "suppressed"),
        "tiny": ("small", "microscopic"),
        "government": ("state", "authorities"),
        "change": ("alter", "modify"),
        "sick": ("ill", "unwell"),
        "control": ("manipulate",),
        "poison": ("contaminate",),
        "steal": ("harvest", "grab"),
        "sudden": ("rapid", "shocking"),
        "people": ("folks", "everyone"),
        "whole": ("entire",),
    },
    fillers=("really", "actually", "literally", "now", "totally", "definitely"),
    prefixes=("BREAKING:", "Wake up people!", "They don't want you to know:", "Read this:"),
    suffixes=(
        "Share before it gets deleted!",
        "Do your own research.",
        "The media is silent.",
        "Spread the word.",
    ),
    post_templates=(
        "Spent {time} on {topic} in {place}, loved it",
        "Quick update on {topic}: still going strong",
        "Anyone else into {topic}? Tried it {time}",
        "{place} was beautiful {time}",
        "My honest review of {topic} after a week",
        "Trying {topic} for the first time {time}",
        "Can't stop thinking about {topic}",
        "New video about {topic}, filmed in {place}",
    ),
    topics=(
        "my morning run",
        "this pasta recipe",
        "the new phone",
        "learning guitar",
        "sourdough bread",
        "the football match",
        "my garden",
        "a road trip",
        "coffee brewing",
        "home workouts",
        "the local market",
        "our new puppy",
    ),
    places=("London", "Chicago", "Toronto", "Sydney", "Dublin", "the beach", "the park"),
    times=("this morning", "tonight", "yesterday", "last weekend", "today"),
    hashtags=("#fyp", "#weekend", "#foodie", "#travel", "#fitness", "#music", "#daily"),
    comments=(
        "love this!",
        "so true",
        "where is this?",
        "great video",
        "haha same",
        "needed this today",
        "how did you make it?",
        "wow",
    ),
    first_names=("Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Mia", "Lucas", "Grace"),
    last_names=("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Hughes"),
    bios=(
        "Into {topic}. Coffee first.",
        "Dad, runner, {topic} enthusiast",
        "Sharing {topic} and good vibes",
        "Creator | {topic} | {place}",
    ),
    spam=(
        "earn $500 a day from home",
        "click the link in my bio for free followers",
        "dm me for a promo deal",
        "get 10k followers instantly",
    ),
    scam=("claim your free prize now", "your account will be locked, verify here"),
    bait=("like and share if you agree", "follow for part 2"),
    publishers=("FactWatch (synthetic)", "Truth Desk (synthetic)", "CheckPoint News (synthetic)"),
)

ES = Vocabulary(
    language="es",
    regions=("ES", "MX", "AR", "CO", "CL"),
    subjects=(
        "las antenas 5G",
        "las nuevas vacunas de la gripe",
        "los coches eléctricos",
        "los contadores inteligentes",
        "los molinos de viento",
        "las pastillas de flúor",
        "los filtros de agua de la ciudad",
        "las tabletas escolares",
        "los aviones de siembra de nubes",
        "las hamburguesas de laboratorio",
        "las tarjetas sin contacto",
        "los parques solares",
    ),
    false_predicates=(
        "graban en secreto todas las conversaciones de tu casa",
        "provocan dolores de cabeza graves en niños pequeños",
        "fueron prohibidos en Europa tras un estudio oculto",
        "contienen chips de rastreo diminutos del gobierno",
        "cambian el clima de regiones enteras",
        "enferman a la gente en tres días",
        "se usan para controlar a la población",
        "envenenan el suelo durante cientos de años",
        "se inventaron para robar tus datos personales",
        "están ligados a un aumento repentino de infartos",
        "pueden ser apagados a distancia por los bancos",
        "envían tu ubicación a espías extranjeros cada noche",
    ),
    related_predicates=(
        "se están instalando en más pueblos este año",
        "se debatieron en el pleno municipal del martes",
        "bajaron de precio según la última encuesta de consumo",
        "necesitan una revisión periódica de un técnico",
        "son el tema de un nuevo documental en la televisión pública",
    ),
    qualifiers=("", "según documentos filtrados", "desde el año pasado", "y nadie lo cuenta"),
    synonyms={
        "graban": ("registran", "capturan"),
        "secreto": ("silencio",),
        "todas": ("cada una de",),
        "graves": ("fuertes", "terribles"),
        "niños": ("críos", "chicos"),
        "prohibidos": ("vetados",),
        "oculto": ("secreto", "silenciado"),
        "diminutos": ("pequeños", "minúsculos"),
        "gobierno": ("estado",),
        "cambian": ("alteran", "modifican"),
        "gente": ("población", "personas"),
        "controlar": ("manipular",),
        "robar": ("sacar", "quitar"),
        "repentino": ("brutal", "rápido"),
        "enteras": ("completas",),
    },
    fillers=("realmente", "de verdad", "ya", "literalmente", "ojo"),
    prefixes=("ÚLTIMA HORA:", "¡Despierta!", "No quieren que lo sepas:", "Lee esto:"),
    suffixes=(
        "¡Compártelo antes de que lo borren!",
        "Investiga por tu cuenta.",
        "Los medios callan.",
        "Difúndelo.",
    ),
    post_templates=(
        "Pasé {time} con {topic} en {place}, me encantó",
        "Actualización rápida sobre {topic}",
        "¿Alguien más con {topic}? Lo probé {time}",
        "{place} estaba precioso {time}",
        "Mi opinión sincera sobre {topic} tras una semana",
        "Nuevo vídeo sobre {topic}, grabado en {place}",
    ),
    topics=(
        "mi carrera matutina",
        "esta receta de paella",
        "el móvil nuevo",
        "aprender guitarra",
        "el partido de fútbol",
        "mi huerto",
        "un viaje en coche",
        "el café de especialidad",
        "el mercado del barrio",
        "nuestro cachorro",
    ),
    places=("Madrid", "Sevilla", "Ciudad de México", "Buenos Aires", "la playa", "el parque"),
    times=("esta mañana", "esta noche", "ayer", "el finde", "hoy"),
    hashtags=("#parati", "#finde", "#comida", "#viajes", "#música", "#humor"),
    comments=("¡me encanta!", "qué verdad", "¿dónde es?", "buen vídeo", "jajaja", "wow"),
    first_names=("Lucía", "Mateo", "Sofía", "Hugo", "Valentina", "Diego", "Carmen", "Pablo"),
    last_names=("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Ruiz"),
    bios=("Me encanta {topic}", "{topic} y buen rollo", "Creador | {topic} | {place}"),
    spam=(
        "gana 500 euros al día desde casa",
        "seguidores gratis en el enlace de mi perfil",
        "escríbeme por privado para una promo",
    ),
    scam=("reclama tu premio gratis ahora", "tu cuenta será bloqueada, verifica aquí"),
    bait=("dale like y comparte si estás de acuerdo", "sígueme para la parte 2"),
    publishers=("Verifica Ya (sintético)", "Dato Cierto (sintético)"),
)

PT = Vocabulary(
    language="pt",
    regions=("BR", "PT", "AO", "MZ"),
    subjects=(
        "as antenas 5G",
        "as novas vacinas da gripe",
        "os carros elétricos",
        "os medidores inteligentes",
        "as turbinas eólicas",
        "as pastilhas de flúor",
        "os filtros de água da cidade",
        "os tablets escolares",
        "os aviões de semeadura de nuvens",
        "os hambúrgueres de laboratório",
        "os cartões por aproximação",
        "as usinas solares",
    ),
    false_predicates=(
        "gravam em segredo todas as conversas da sua casa",
        "causam fortes dores de cabeça em crianças pequenas",
        "foram proibidos na Europa depois de um estudo escondido",
        "contêm chips de rastreamento minúsculos do governo",
        "mudam o clima de regiões inteiras",
        "deixam as pessoas doentes em três dias",
        "são usados para controlar a população",
        "envenenam o solo por centenas de anos",
        "foram inventados para roubar seus dados pessoais",
        "estão ligados a um aumento repentino de infartos",
        "podem ser desligados à distância pelos bancos",
        "enviam sua localização para espiões estrangeiros toda noite",
    ),
    related_predicates=(
        "estão sendo instalados em mais cidades este ano",
        "foram discutidos na câmara municipal na terça",
        "ficaram mais baratos segundo a última pesquisa",
        "precisam de uma inspeção regular de um técnico",
        "são tema de um novo documentário na TV pública",
    ),
    qualifiers=("", "segundo documentos vazados", "desde o ano passado", "e ninguém fala nada"),
    synonyms={
        "gravam": ("registram", "captam"),
        "segredo": ("sigilo",),
        "fortes": ("terríveis", "graves"),
        "crianças": ("meninos",),
        "proibidos": ("vetados", "banidos"),
        "escondido": ("secreto", "abafado"),
        "minúsculos": ("pequenos", "microscópicos"),
        "governo": ("estado",),
        "mudam": ("alteram", "modificam"),
        "pessoas": ("gente",),
        "controlar": ("manipular",),
        "roubar": ("pegar", "coletar"),
        "repentino": ("brusco", "rápido"),
        "inteiras": ("completas",),
    },
    fillers=("realmente", "de verdade", "já", "literalmente", "gente"),
    prefixes=("URGENTE:", "Acorda, Brasil!", "Não querem que você saiba:", "Leia isto:"),
    suffixes=(
        "Compartilhe antes que apaguem!",
        "Pesquise por conta própria.",
        "A mídia se cala.",
        "Espalhem.",
    ),
    post_templates=(
        "Passei {time} com {topic} em {place}, amei",
        "Atualização rápida sobre {topic}",
        "Mais alguém curtindo {topic}? Testei {time}",
        "{place} estava lindo {time}",
        "Minha opinião sincera sobre {topic}",
        "Vídeo novo sobre {topic}, gravado em {place}",
    ),
    topics=(
        "minha corrida matinal",
        "essa receita de feijoada",
        "o celular novo",
        "aprender violão",
        "o jogo de futebol",
        "minha horta",
        "uma viagem de carro",
        "café coado",
        "a feira do bairro",
        "nosso cachorrinho",
    ),
    places=("São Paulo", "Lisboa", "Rio de Janeiro", "Porto", "Salvador", "Curitiba"),
    times=("hoje de manhã", "hoje à noite", "ontem", "no fim de semana", "hoje"),
    hashtags=("#foryou", "#fimdesemana", "#comida", "#viagem", "#música", "#humor"),
    comments=("amei!", "verdade", "onde é isso?", "ótimo vídeo", "kkkkk", "uau"),
    first_names=("Ana", "João", "Maria", "Pedro", "Beatriz", "Lucas", "Júlia", "Rafael"),
    last_names=("Silva", "Santos", "Oliveira", "Souza", "Costa", "Ferreira", "Almeida"),
    bios=("Apaixonado por {topic}", "{topic} e boas vibes", "Criador | {topic} | {place}"),
    spam=(
        "ganhe 500 reais por dia em casa",
        "seguidores grátis no link da bio",
        "chama no privado para promoção",
    ),
    scam=("resgate seu prêmio grátis agora", "sua conta será bloqueada, verifique aqui"),
    bait=("curte e compartilha se concorda", "me segue para a parte 2"),
    publishers=("Checagem Já (sintético)", "Fato ou Boato (sintético)"),
)

FR = Vocabulary(
    language="fr",
    regions=("FR", "BE", "CA", "CH", "SN"),
    subjects=(
        "les antennes 5G",
        "les nouveaux vaccins contre la grippe",
        "les voitures électriques",
        "les compteurs intelligents",
        "les éoliennes",
        "les comprimés de fluor",
        "les filtres à eau de la ville",
        "les tablettes scolaires",
        "les avions d'ensemencement des nuages",
        "les steaks de laboratoire",
        "les cartes sans contact",
        "les parcs solaires",
    ),
    false_predicates=(
        "enregistrent en secret toutes les conversations chez vous",
        "provoquent de graves maux de tête chez les jeunes enfants",
        "ont été interdits en Europe après une étude cachée",
        "contiennent de minuscules puces de traçage du gouvernement",
        "changent le climat de régions entières",
        "rendent les gens malades en trois jours",
        "servent à contrôler la population",
        "empoisonnent le sol pendant des centaines d'années",
        "ont été inventés pour voler vos données personnelles",
        "sont liés à une hausse soudaine des crises cardiaques",
        "peuvent être coupés à distance par les banques",
        "envoient votre position à des espions étrangers chaque nuit",
    ),
    related_predicates=(
        "sont installés dans plus de villes cette année",
        "ont été discutés au conseil municipal mardi",
        "sont moins chers selon la dernière enquête",
        "ont besoin d'une inspection régulière par un technicien",
        "font l'objet d'un nouveau documentaire à la télévision publique",
    ),
    qualifiers=("", "selon des documents fuités", "depuis l'an dernier", "et personne n'en parle"),
    synonyms={
        "enregistrent": ("captent", "écoutent"),
        "secret": ("cachette",),
        "graves": ("terribles", "violents"),
        "jeunes": ("petits",),
        "enfants": ("gamins",),
        "interdits": ("bannis", "prohibés"),
        "cachée": ("secrète", "étouffée"),
        "minuscules": ("petites", "microscopiques"),
        "gouvernement": ("État",),
        "changent": ("modifient", "altèrent"),
        "gens": ("personnes",),
        "contrôler": ("manipuler",),
        "voler": ("récupérer", "siphonner"),
        "soudaine": ("brutale", "rapide"),
        "entières": ("complètes",),
    },
    fillers=("vraiment", "franchement", "déjà", "littéralement", "carrément"),
    prefixes=("URGENT :", "Réveillez-vous !", "Ils ne veulent pas que vous le sachiez :"),
    suffixes=(
        "Partagez avant que ce soit supprimé !",
        "Faites vos propres recherches.",
        "Les médias se taisent.",
    ),
    post_templates=(
        "Passé {time} avec {topic} à {place}, génial",
        "Petite mise à jour sur {topic}",
        "Quelqu'un d'autre aime {topic} ? Testé {time}",
        "{place} était magnifique {time}",
        "Mon avis honnête sur {topic}",
        "Nouvelle vidéo sur {topic}, tournée à {place}",
    ),
    topics=(
        "mon footing du matin",
        "cette recette de quiche",
        "le nouveau téléphone",
        "apprendre la guitare",
        "le match de foot",
        "mon potager",
        "un road trip",
        "le café filtre",
        "le marché du quartier",
        "notre chiot",
    ),
    places=("Paris", "Lyon", "Montréal", "Bruxelles", "Marseille", "Genève"),
    times=("ce matin", "ce soir", "hier", "le week-end dernier", "aujourd'hui"),
    hashtags=("#pourtoi", "#weekend", "#cuisine", "#voyage", "#musique", "#humour"),
    comments=("j'adore !", "trop vrai", "c'est où ?", "super vidéo", "mdr", "waouh"),
    first_names=("Léa", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Camille", "Jules"),
    last_names=("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand"),
    bios=(
        "Fan de cuisine et de voyages",
        "{topic} et bonne humeur",
        "Créateur | {topic} | {place}",
    ),
    spam=(
        "gagnez 500 euros par jour depuis chez vous",
        "abonnés gratuits via le lien dans ma bio",
        "écrivez-moi en privé pour une promo",
    ),
    scam=("réclamez votre cadeau gratuit maintenant", "votre compte sera bloqué, vérifiez ici"),
    bait=("like et partage si tu es d'accord", "abonne-toi pour la partie 2"),
    publishers=("Vrai ou Faux (synthétique)", "Le Vérificateur (synthétique)"),
)

DE = Vocabulary(
    language="de",
    regions=("DE", "AT", "CH"),
    subjects=(
        "5G-Masten",
        "die neuen Grippeimpfstoffe",
        "Elektroautos",
        "intelligente Stromzähler",
        "Windräder",
        "Fluoridtabletten",
        "die städtischen Wasserfilter",
        "Schul-Tablets",
        "Flugzeuge zur Wolkenimpfung",
        "Burger aus dem Labor",
        "kontaktlose Bankkarten",
        "Solarparks",
    ),
    false_predicates=(
        "zeichnen heimlich jedes Gespräch in deiner Wohnung auf",
        "verursachen starke Kopfschmerzen bei kleinen Kindern",
        "wurden nach einer geheimen Studie in Europa verboten",
        "enthalten winzige Ortungschips der Regierung",
        "verändern das Wetter ganzer Regionen",
        "machen Menschen innerhalb von drei Tagen krank",
        "werden zur Kontrolle der Bevölkerung benutzt",
        "vergiften den Boden für hunderte Jahre",
        "wurden erfunden um deine persönlichen Daten zu stehlen",
        "hängen mit einem plötzlichen Anstieg von Herzinfarkten zusammen",
        "können von den Banken aus der Ferne abgeschaltet werden",
        "senden jede Nacht deinen Standort an ausländische Spione",
    ),
    related_predicates=(
        "werden dieses Jahr in mehr Städten aufgestellt",
        "waren am Dienstag Thema im Gemeinderat",
        "sind laut der neuesten Umfrage günstiger geworden",
        "brauchen eine regelmäßige Prüfung durch einen Techniker",
        "sind Thema einer neuen Dokumentation im öffentlichen Fernsehen",
    ),
    qualifiers=("", "laut geleakten Dokumenten", "seit letztem Jahr", "und keiner berichtet"),
    synonyms={
        "heimlich": ("insgeheim", "verdeckt"),
        "jedes": ("alle",),
        "starke": ("heftige", "schlimme"),
        "kleinen": ("jungen",),
        "Kindern": ("Kleinkindern",),
        "geheimen": ("versteckten", "unterdrückten"),
        "verboten": ("untersagt",),
        "winzige": ("kleine", "mikroskopische"),
        "Regierung": ("Behörden", "Staates"),
        "verändern": ("manipulieren", "beeinflussen"),
        "Menschen": ("Leute",),
        "vergiften": ("verseuchen",),
        "stehlen": ("klauen", "sammeln"),
        "plötzlichen": ("rasanten", "schockierenden"),
        "ganzer": ("kompletter",),
    },
    fillers=("wirklich", "echt", "schon", "tatsächlich", "einfach"),
    prefixes=("EILMELDUNG:", "Wacht auf!", "Das sollt ihr nicht wissen:", "Lest das:"),
    suffixes=(
        "Teilen bevor es gelöscht wird!",
        "Informiert euch selbst.",
        "Die Medien schweigen.",
    ),
    post_templates=(
        "{time} mit {topic} in {place} verbracht, super",
        "Kurzes Update zu {topic}",
        "Noch jemand begeistert von {topic}? {time} ausprobiert",
        "{place} war {time} wunderschön",
        "Meine ehrliche Meinung zu {topic}",
        "Neues Video über {topic}, gedreht in {place}",
    ),
    topics=(
        "meinem Morgenlauf",
        "diesem Nudelrezept",
        "dem neuen Handy",
        "Gitarre lernen",
        "dem Fußballspiel",
        "meinem Garten",
        "einem Roadtrip",
        "Filterkaffee",
        "dem Wochenmarkt",
        "unserem Welpen",
    ),
    places=("Berlin", "Wien", "Zürich", "Hamburg", "München", "Köln"),
    times=("heute Morgen", "heute Abend", "gestern", "am Wochenende", "heute"),
    hashtags=("#fürdich", "#wochenende", "#essen", "#reisen", "#musik", "#lustig"),
    comments=("liebe das!", "so wahr", "wo ist das?", "tolles Video", "haha", "wow"),
    first_names=("Lena", "Paul", "Mia", "Felix", "Hannah", "Jonas", "Lea", "Leon"),
    last_names=("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner"),
    bios=("Begeistert von {topic}", "{topic} und gute Laune", "Creator | {topic} | {place}"),
    spam=(
        "verdiene 500 Euro am Tag von zu Hause",
        "gratis Follower über den Link in meiner Bio",
        "schreib mir privat für ein Angebot",
    ),
    scam=("hol dir jetzt deinen Gratis-Preis", "dein Konto wird gesperrt, hier bestätigen"),
    bait=("like und teile wenn du zustimmst", "folge für Teil 2"),
    publishers=("Faktencheck Jetzt (synthetisch)", "Stimmt Das (synthetisch)"),
)

VOCABULARIES: dict[str, Vocabulary] = {v.language: v for v in (EN, ES, PT, FR, DE)}

EMOJI: tuple[str, ...] = ("🔥", "😱", "🙏", "👀", "💯", "⚠️", "❗", "😂", "❤️", "✨")

# Domain lists are synthetic: the reserved ``.example`` name keeps them from naming real sites.
# Shorteners are real services; listing them as shorteners states a fact, not a judgement.
MISINFO_DOMAINS: tuple[str, ...] = tuple(
    f"{name}.example"
    for name in (
        "truthwire-news",
        "realfacts-daily",
        "hidden-report",
        "freedom-insider",
        "wakeup-times",
        "patriot-leaks",
        "natural-cures-now",
        "the-real-story",
    )
)
SPAM_DOMAINS: tuple[str, ...] = tuple(
    f"{name}.example"
    for name in ("free-followers", "cash-from-home", "promo-deals-now", "getrich-fast", "vip-likes")
)
MALWARE_DOMAINS: tuple[str, ...] = tuple(
    f"{name}.example"
    for name in ("account-verify-login", "prize-claim-center", "secure-update-app")
)
SHORTENER_DOMAINS: tuple[str, ...] = ("bit.ly", "tinyurl.com", "t.co", "ow.ly", "is.gd")
BENIGN_DOMAINS: tuple[str, ...] = (
    "en.wikipedia.org",
    "www.bbc.co.uk",
    "www.reuters.com",
    "apnews.com",
    "github.com",
    "www.who.int",
)

AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAPTURE_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
AI_GENERATORS: tuple[str, ...] = ("synth-diffusion-2", "motionforge-v1", "dreamframe-xl")
