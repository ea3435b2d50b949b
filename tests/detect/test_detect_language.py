# ruff: noqa: RUF001
from __future__ import annotations

import random

import pytest
from detect_helpers import check_result, make_item

from veracity.detect.language import LanguageDetector, clean, to_iso639_1

SAMPLES: dict[str, list[str]] = {
    "en": [
        "The weather is lovely today, so we are going to the beach with the kids.",
        "I can't believe how expensive groceries have become this year.",
        "Please share this video with your friends before it gets deleted.",
        "Our team worked really hard and finally won the championship last night.",
        "Does anyone know a good place to eat near the train station?",
        "The government announced new rules for schools starting next month.",
    ],
    "fr": [
        "Il fait très beau aujourd'hui, nous allons à la plage avec les enfants.",
        "Je n'arrive pas à croire à quel point les courses sont devenues chères.",
        "Partagez cette vidéo avec vos amis avant qu'elle ne soit supprimée.",
        "Notre équipe a travaillé dur et a enfin gagné le championnat hier soir.",
        "Quelqu'un connaît un bon restaurant près de la gare ?",
        "Le gouvernement a annoncé de nouvelles règles pour les écoles le mois prochain.",
    ],
    "de": [
        "Das Wetter ist heute herrlich, deshalb fahren wir mit den Kindern an den Strand.",
        "Ich kann nicht glauben, wie teuer die Lebensmittel dieses Jahr geworden sind.",
        "Teilt dieses Video mit euren Freunden, bevor es gelöscht wird.",
        "Unsere Mannschaft hat hart gearbeitet und gestern endlich die Meisterschaft gewonnen.",
        "Kennt jemand ein gutes Restaurant in der Nähe des Bahnhofs?",
        "Die Regierung hat neue Regeln für die Schulen ab nächstem Monat angekündigt.",
    ],
    "es": [
        "Hoy hace un tiempo precioso, así que vamos a la playa con los niños.",
        "No puedo creer lo caro que se ha puesto la comida este año.",
        "Comparte este vídeo con tus amigos antes de que lo borren.",
        "Nuestro equipo trabajó muchísimo y por fin ganó el campeonato anoche.",
        "¿Alguien conoce un buen sitio para comer cerca de la estación de tren?",
        "El gobierno anunció nuevas normas para los colegios a partir del mes que viene.",
    ],
    "it": [
        "Oggi il tempo è bellissimo, quindi andiamo al mare con i bambini.",
        "Non riesco a credere quanto sia diventata cara la spesa quest'anno.",
        "Condividete questo video con i vostri amici prima che venga cancellato.",
        "La nostra squadra ha lavorato sodo e ieri sera ha finalmente vinto il campionato.",
        "Qualcuno conosce un buon posto dove mangiare vicino alla stazione?",
        "Il governo ha annunciato nuove regole per le scuole a partire dal mese prossimo.",
    ],
    "pt": [
        "O tempo está lindo hoje, então vamos à praia com as crianças.",
        "Não consigo acreditar como as compras do mercado ficaram caras este ano.",
        "Compartilhe este vídeo com seus amigos antes que ele seja apagado.",
        "Nosso time trabalhou muito e finalmente ganhou o campeonato ontem à noite.",
        "Alguém conhece um bom lugar para comer perto da estação de trem?",
        "O governo anunciou novas regras para as escolas a partir do próximo mês.",
    ],
    "nl": [
        "Het is vandaag prachtig weer, dus we gaan met de kinderen naar het strand.",
        "Ik kan niet geloven hoe duur de boodschappen dit jaar zijn geworden.",
        "Deel deze video met je vrienden voordat hij wordt verwijderd.",
        "Ons team heeft keihard gewerkt en gisteravond eindelijk het kampioenschap gewonnen.",
        "Weet iemand een goed restaurant in de buurt van het station?",
        "De regering heeft nieuwe regels voor scholen aangekondigd vanaf volgende maand.",
    ],
    "ru": [
        "Сегодня прекрасная погода, поэтому мы едем с детьми на пляж.",
        "Не могу поверить, насколько подорожали продукты в этом году.",
        "Поделитесь этим видео с друзьями, пока его не удалили.",
        "Наша команда много работала и вчера вечером наконец выиграла чемпионат.",
        "Кто-нибудь знает хорошее место, где можно поесть рядом с вокзалом?",
        "Правительство объявило новые правила для школ со следующего месяца.",
    ],
    "pl": [
        "Dzisiaj jest piękna pogoda, więc jedziemy z dziećmi na plażę.",
        "Nie mogę uwierzyć, jak bardzo podrożały zakupy w tym roku.",
        "Udostępnij ten film znajomym, zanim zostanie usunięty.",
        "Nasza drużyna ciężko pracowała i wczoraj wieczorem wreszcie wygrała mistrzostwo.",
        "Czy ktoś zna dobre miejsce do jedzenia w pobliżu dworca?",
        "Rząd ogłosił nowe zasady dla szkół od przyszłego miesiąca.",
    ],
    "tr": [
        "Bugün hava çok güzel, bu yüzden çocuklarla plaja gidiyoruz.",
        "Bu yıl market alışverişinin ne kadar pahalı olduğuna inanamıyorum.",
        "Bu videoyu silinmeden önce arkadaşlarınla paylaş.",
        "Takımımız çok çalıştı ve dün gece sonunda şampiyonluğu kazandı.",
        "Tren istasyonunun yakınında yemek yemek için iyi bir yer bilen var mı?",
        "Hükümet gelecek aydan itibaren okullar için yeni kurallar açıkladı.",
    ],
    "sv": [
        "Vädret är underbart i dag, så vi åker till stranden med barnen.",
        "Jag kan inte fatta hur dyr maten har blivit i år.",
        "Dela den här videon med dina vänner innan den tas bort.",
        "Vårt lag jobbade hårt och vann äntligen mästerskapet i går kväll.",
        "Vet någon ett bra ställe att äta nära tågstationen?",
        "Regeringen har meddelat nya regler för skolorna från och med nästa månad.",
    ],
    "ar": [
        "الطقس جميل اليوم، لذلك سنذهب إلى الشاطئ مع الأطفال.",
        "لا أصدق كم أصبحت أسعار الطعام مرتفعة هذا العام.",
        "شارك هذا الفيديو مع أصدقائك قبل أن يتم حذفه.",
        "عمل فريقنا بجد وفاز أخيرا بالبطولة الليلة الماضية.",
        "هل يعرف أحد مكانا جيدا للأكل بالقرب من محطة القطار؟",
        "أعلنت الحكومة عن قواعد جديدة للمدارس ابتداء من الشهر المقبل.",
    ],
    "zh": [
        "今天天气很好，所以我们带孩子们去海边玩。",
        "真不敢相信今年的食品价格涨了这么多。",
        "在这个视频被删除之前，请分享给你的朋友们。",
        "我们的队伍非常努力，昨晚终于赢得了冠军。",
        "有人知道火车站附近有什么好吃的地方吗？",
        "政府宣布从下个月开始对学校实行新的规定。",
    ],
    "ja": [
        "今日はとても良い天気なので、子供たちと海に行きます。",
        "今年は食料品がこんなに高くなったなんて信じられません。",
        "この動画が削除される前に友達と共有してください。",
        "私たちのチームは一生懸命頑張って、昨夜ついに優勝しました。",
        "駅の近くでおいしいお店を知っている人はいますか？",
        "政府は来月から学校に新しいルールを導入すると発表しました。",
    ],
    "ko": [
        "오늘 날씨가 정말 좋아서 아이들과 함께 바닷가에 갑니다.",
        "올해 식료품 가격이 이렇게 많이 오를 줄은 몰랐어요.",
        "이 영상이 삭제되기 전에 친구들에게 공유해 주세요.",
        "우리 팀은 정말 열심히 노력했고 어젯밤 드디어 우승했습니다.",
        "기차역 근처에 맛있는 식당을 아는 사람 있나요?",
        "정부는 다음 달부터 학교에 새로운 규칙을 적용한다고 발표했습니다.",
    ],
    "hi": [
        "आज मौसम बहुत अच्छा है, इसलिए हम बच्चों के साथ समुद्र तट पर जा रहे हैं।",
        "मुझे विश्वास नहीं हो रहा कि इस साल खाने का सामान कितना महंगा हो गया है।",
        "इस वीडियो को हटाए जाने से पहले अपने दोस्तों के साथ साझा करें।",
        "हमारी टीम ने बहुत मेहनत की और कल रात आखिरकार चैंपियनशिप जीत ली।",
        "क्या किसी को रेलवे स्टेशन के पास खाने की कोई अच्छी जगह पता है?",
        "सरकार ने अगले महीने से स्कूलों के लिए नए नियमों की घोषणा की है।",
    ],
    "el": [
        "Ο καιρός είναι υπέροχος σήμερα, γι' αυτό πάμε στην παραλία με τα παιδιά.",
        "Δεν μπορώ να πιστέψω πόσο ακριβά έγιναν τα τρόφιμα φέτος.",
        "Μοιραστείτε αυτό το βίντεο με τους φίλους σας πριν διαγραφεί.",
        "Η ομάδα μας δούλεψε σκληρά και χθες το βράδυ κέρδισε επιτέλους το πρωτάθλημα.",
        "Ξέρει κανείς ένα καλό μέρος για φαγητό κοντά στον σταθμό του τρένου;",
        "Η κυβέρνηση ανακοίνωσε νέους κανόνες για τα σχολεία από τον επόμενο μήνα.",
    ],
}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def test_clean_removes_links_mentions_and_hash() -> None:
    assert clean("@bob see https://x.co/a and www.y.com #Vote now, mail a@b.com") == (
        "see and Vote now, mail"
    )


def test_iso_mapping() -> None:
    assert to_iso639_1("en") == "en"
    assert to_iso639_1("yue") == "zh"
    assert to_iso639_1("arz") == "ar"
    assert to_iso639_1("zxx") == "und"
    assert to_iso639_1("kab") == "und"


def test_short_or_empty_text_is_undetermined(detector: LanguageDetector) -> None:
    for text in ("", "ok", "🔥🔥🔥", "@someone https://t.co/abc #go", "12345 678"):
        for method in (detector.detect, detector.reference):
            result = method(make_item(text))
            check_result(detector, result)
            assert result.outputs == {"code": "und", "confidence": 0.0}, text


def test_full_sentences_are_identified(detector: LanguageDetector) -> None:
    total = correct = 0
    for lang, sentences in SAMPLES.items():
        for sentence in sentences:
            result = detector.detect(make_item(sentence))
            check_result(detector, result)
            assert 0.0 < result.outputs["confidence"] <= 1.0
            total += 1
            correct += result.outputs["code"] == lang
    assert correct / total >= 0.9, (correct, total)


def test_fast_path_agrees_with_numpy_reference(detector: LanguageDetector) -> None:
    """A few hundred texts: whole sentences, mixtures, fragments cut at random points, upper
    case, with links and mentions. The code must be identical; the probability close."""
    rng = random.Random(17)
    langs = sorted(SAMPLES)
    texts = []
    for _ in range(300):
        lang = rng.choice(langs)
        sentences = rng.sample(SAMPLES[lang], rng.randint(1, 3))
        text = " ".join(sentences)
        kind = rng.random()
        if kind < 0.3:
            start = rng.randrange(len(text))
            text = text[start : start + rng.randint(5, 40)]
        elif kind < 0.4:
            text = text.upper()
        elif kind < 0.5:
            other = rng.choice(langs)
            text = text + " " + rng.choice(SAMPLES[other])
        elif kind < 0.6:
            text = f"@user {text} https://example.com/x #tag"
        texts.append(text)
    undetermined = 0
    for text in texts:
        fast = detector.detect(make_item(text))
        ref = detector.reference(make_item(text))
        assert fast.outputs["code"] == ref.outputs["code"], text
        assert fast.evidence["label"] == ref.evidence["label"], text
        assert fast.outputs["confidence"] == pytest.approx(ref.outputs["confidence"], abs=1e-4)
        undetermined += fast.outputs["code"] == "und"
    assert undetermined < 60


def test_transcript_counts(detector: LanguageDetector) -> None:
    result = detector.detect(make_item("", transcript=SAMPLES["de"][0]))
    assert result.outputs["code"] == "de"
