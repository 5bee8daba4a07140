"""Generated text for the large benchmark data set: sentences drawn from small word lists of
our own (no copied prose), so pages carry realistic amounts of text without real content."""

from __future__ import annotations

import random

SUBJECTS = (
    "a tight shoulder", "the upper back", "a stiff neck", "the lower back", "tired calves",
    "the hip flexors", "a sore jaw", "the forearms", "a guarded knee", "the rib cage",
    "busy hands", "the gluteal muscles", "a long commute", "an old ankle sprain",
    "the hamstrings", "a desk posture", "the thoracic spine", "a weekend long run",
)  # fmt: skip
VERBS = (
    "often responds to", "usually settles after", "can improve with", "tends to resist",
    "benefits from", "asks for", "rarely needs", "slowly adapts to", "quietly depends on",
    "reacts well to", "is easier to manage with", "changes noticeably after",
)  # fmt: skip
OBJECTS = (
    "slow, steady pressure", "a short daily walk", "gentle stretching in the evening",
    "regular sessions every few weeks", "careful breathing", "warm compresses",
    "a better chair height", "some time away from screens", "light strength work",
    "trigger point release", "myofascial work", "a change of sleeping position",
    "an honest conversation about pain", "a recovery week", "plenty of water",
)  # fmt: skip
CONNECTIVES = (
    "In practice,", "For most clients,", "Over time,", "On a busy week,", "After a session,",
    "As a rule,", "Surprisingly,", "In our experience,", "Between visits,", "Early on,",
)  # fmt: skip
TOPICS = (
    "Desk", "Runner", "Surfer", "Parent", "Commuter", "Gardener", "Climber", "Cyclist",
    "Teacher", "Nurse", "Musician", "Golfer", "Swimmer", "Hiker", "Chef", "Driver",
)  # fmt: skip
THEMES = (
    "Neck", "Shoulder", "Back", "Hip", "Knee", "Jaw", "Wrist", "Ankle", "Posture", "Sleep",
    "Recovery", "Stretching", "Breathing", "Stress", "Mobility", "Strength",
)  # fmt: skip
FORMS = (
    "Notes on the {t}'s {h}", "The {t}'s guide to {h} care", "{h} habits for the busy {t}",
    "What every {t} should know about the {h}", "A week of {h} work for the {t}",
    "Small fixes for the {t}'s {h}",
)  # fmt: skip
FIRST_NAMES = (
    "Ava", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonah", "Kai",
    "Lucia", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Vera",
    "Wes", "Ximena", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Baptiste", "Chen", "Duarte", "Ellis", "Fontaine", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lindqvist", "Moreno", "Nakamura", "Okoye", "Petrov", "Quintero",
    "Rahman", "Silva", "Torres", "Underwood", "Valdez", "Whitaker", "Yamada", "Zimmerman",
)  # fmt: skip

# Real cities around Los Angeles, by region: with the demo's 9 areas, 50.
REGIONS = {
    "Orange County": "Irvine, Costa Mesa, Newport Beach, Huntington Beach, Anaheim, "
    "Santa Ana, Fullerton, Laguna Beach, Tustin, Orange",
    "San Gabriel Valley": "Pasadena, Alhambra, Arcadia, Monrovia, Glendora, Covina, "
    "West Covina, San Gabriel",
    "San Fernando Valley": "Burbank, Glendale, Encino, Sherman Oaks, Van Nuys, Northridge, "
    "Studio City, Woodland Hills, Tarzana",
    "Long Beach and Harbor": "Long Beach, Lakewood, Signal Hill, San Pedro, Carson, Cerritos, "
    "Bellflower, Downey",
    "Ventura County": "Ventura, Oxnard, Thousand Oaks, Camarillo, Simi Valley, Moorpark",
}


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.4:
        text = f"{rng.choice(CONNECTIVES)} {text}"
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    sentences, count = [], 0
    while count < words:
        sentences.append(sentence(rng))
        count += len(sentences[-1].split())
    return " ".join(sentences)


def post_body(rng: random.Random, words: int = 800) -> str:
    """Markdown of about `words` words: paragraphs under a few headings, one short list."""
    parts, count = [], 0
    while count < words:
        if len(parts) % 4 == 0:
            parts.append(f"## {rng.choice(THEMES)} and {rng.choice(OBJECTS)}")
        if len(parts) == 3:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(4)))
        parts.append(paragraph(rng, rng.randint(60, 110)))
        count += len(parts[-1].split())
    return "\n\n".join(parts)


def title(rng: random.Random) -> str:
    return rng.choice(FORMS).format(t=rng.choice(TOPICS).lower(), h=rng.choice(THEMES).lower())


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
