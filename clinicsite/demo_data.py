"""Demo content for the fictional Saltgrass Neuromuscular Therapy clinic.

Plain Python data only. Every business, person, phone number, street
address and email address here is invented for demonstration purposes.
City names, ZIP codes and coordinates are real but approximate.
"""

from __future__ import annotations

CLINIC = {
    "name": "Saltgrass Neuromuscular Therapy",
    "tagline": "Careful, focused bodywork for the South Bay and the Westside",
    "phone": "310-555-0142",
    "email": "hello@example.com",
    "street": "731 Pier Avenue, Suite 3",
    "city": "Hermosa Beach",
    "state": "CA",
    "postal_code": "90254",
    "country": "US",
    "timezone": "America/Los_Angeles",
    "currency": "USD",
    "about": (
        "Saltgrass Neuromuscular Therapy is a small, appointment-only practice "
        "with studios in Hermosa Beach and Culver City. We focus on "
        "neuromuscular therapy: slow, specific work on the muscles and "
        "connective tissue that tend to hold tension from desk work, training, "
        "pregnancy and long commutes.\n\n"
        "Every first visit starts with a conversation. Your therapist asks "
        "about your routine, where you feel tight, and what you would like to "
        "do more comfortably. Together we agree on a plan, check pressure with "
        "you throughout the session, and email a short summary afterward with "
        "a few things to try at home.\n\n"
        "We are not a spa, and we do not diagnose or treat medical conditions. "
        "If something needs a doctor or physical therapist, we will say so "
        "plainly.\n\n"
        "Not sure where to start? Book the free 20-minute discovery session."
    ),
}


SERVICES = [
    {
        "slug": "neuromuscular-therapy",
        "name": "Neuromuscular Therapy",
        "summary": (
            "Our core service: slow, targeted work on the specific muscles "
            "behind a recurring tension pattern, with a written aftercare note."
        ),
        "description": (
            "Neuromuscular therapy (NMT) is the heart of what we do. Instead of "
            "working the whole body at one steady pressure, your therapist "
            "spends the session on the muscles related to the pattern you came "
            "in with, such as a neck that stiffens every afternoon or a hip "
            "that aches after long runs.\n\n"
            "## How a session works\n\n"
            "- **Check-in (about five minutes):** we review what has changed "
            "since your last visit and decide where to spend the time.\n"
            "- **Assessment:** simple posture and range-of-motion observations, "
            "done clothed, so we can compare before and after.\n"
            "- **Hands-on work:** sustained pressure, slow gliding strokes and "
            "gentle stretching on the areas we agreed on. You set the pressure, "
            "and we check in often.\n"
            "- **Wrap-up:** a brief email note describing what we worked on and "
            "one or two habits to try at home.\n\n"
            "## Who it suits\n\n"
            "NMT is a good fit if you have a familiar, recurring area of "
            "tension rather than general stress, and you want a therapist who "
            "explains what they are doing. Many clients book a 90-minute first "
            "session and then settle into 60-minute visits every two to four "
            "weeks.\n\n"
            "## Good to know\n\n"
            "Some areas may feel tender for a day afterward, much like after a "
            "workout. NMT is not a substitute for medical care; if you are "
            "recovering from surgery or an injury, please check with your "
            "clinician before booking."
        ),
        "buffer_minutes": 15,
        "options": [
            (60, 14000, 3500),
            (90, 19500, 5000),
        ],
    },
    {
        "slug": "deep-tissue-sports-massage",
        "name": "Deep Tissue and Sports Massage",
        "summary": (
            "Firm, purposeful massage for active bodies, shaped around your "
            "training, your sport or a physically demanding job."
        ),
        "description": (
            "This session is for people who use their bodies hard and want "
            "firm, deliberate work in return. It blends classic deep tissue "
            "technique with sports massage methods such as compression, "
            "cross-fiber friction and active movement, where you gently "
            "contract or move a muscle while we work on it.\n\n"
            "## What we focus on\n\n"
            "- Legs, hips and lower back for runners, cyclists and hikers\n"
            "- Shoulders, upper back and forearms for swimmers, surfers, "
            "climbers and volleyball players\n"
            "- Whole-body recovery during heavy training blocks or after an "
            "event\n"
            "- Physically demanding jobs: nurses, set crews, tradespeople, and "
            "parents lifting small children all day\n\n"
            "## Timing around training and events\n\n"
            "Before a race or tournament, we keep the work lighter and quicker "
            "so your legs feel fresh, not flat. In the two or three days after "
            "a hard effort, we favor gentle flushing strokes. Deeper, more "
            "detailed work is best during a normal training week, when you "
            "have a day or two to absorb it.\n\n"
            "## Firm does not mean painful\n\n"
            "Deep pressure should feel strong and productive, never sharp, and "
            "never something you need to brace against. We will ask you to "
            "rate the intensity and adjust right away. Drink some water "
            "afterward and expect to feel a little worked, the way you would "
            "after a good training session."
        ),
        "buffer_minutes": 15,
        "options": [
            (60, 13000, 3000),
            (90, 18500, 5000),
        ],
    },
    {
        "slug": "trigger-point-therapy",
        "name": "Trigger Point Therapy",
        "summary": (
            "Steady pressure on tight, tender spots that can refer discomfort "
            "elsewhere, such as a shoulder knot felt as head tension."
        ),
        "description": (
            "Trigger points are small, tender spots within a tight band of "
            "muscle. Pressing one often produces a familiar ache, and "
            "sometimes that ache shows up somewhere else: a spot at the top of "
            "the shoulder that is felt behind the eye, or one in the hip that "
            "echoes down the side of the leg. Many people carry these for "
            "months without knowing where they start.\n\n"
            "## What happens in the session\n\n"
            "We begin by asking you to map where you feel discomfort and when "
            "it shows up. Then we search the muscles that commonly refer to "
            "those areas and apply steady, comfortable pressure to any tender "
            "spots we find, usually for 30 to 90 seconds each. You guide us "
            "with a simple 1-to-10 scale, and we aim to stay around a 6. Each "
            "point is followed by gentle stretching and a few slow strokes to "
            "warm the area.\n\n"
            "## Why the shorter options\n\n"
            "Trigger point work is detailed and can be intense, so a 45-minute "
            "session is often enough. The 60-minute option leaves room for two "
            "regions, for example the neck and the forearms of someone who "
            "types all day.\n\n"
            "## After your visit\n\n"
            "You may feel some soreness for a day. We will show you how to use "
            "a tennis ball or a foam roller on the same spots between visits, "
            "so you are not relying on us alone."
        ),
        "buffer_minutes": 10,
        "options": [
            (45, 11000, 3000),
            (60, 13500, 3500),
        ],
    },
    {
        "slug": "prenatal-massage",
        "name": "Prenatal Massage",
        "summary": (
            "Gentle, side-lying massage for the second and third trimesters, "
            "with supportive cushions and a prenatal-trained therapist."
        ),
        "description": (
            "Pregnancy changes how you stand, sleep and carry weight, and many "
            "people feel it in the lower back, hips, neck and feet. Our "
            "prenatal massage is designed around comfort and safety, and it is "
            "given by a therapist with specific prenatal training.\n\n"
            "## How we set up\n\n"
            "- You lie on your side, supported by a body pillow and extra "
            "cushions between the knees and under the belly. Some clients also "
            "like a semi-reclined position for part of the session.\n"
            "- We avoid having you lie flat on your back for long, and we never "
            "use deep pressure on the legs.\n"
            "- The room is kept at a temperature you choose, and you can pause "
            "for a bathroom break at any time.\n\n"
            "## What it can help with\n\n"
            "Many clients tell us the session helps them relax, sleep more "
            "easily and feel less stiff through the hips and lower back. We "
            "keep expectations honest: massage is a comfort measure, not a "
            "treatment for any pregnancy condition.\n\n"
            "## Before you book\n\n"
            "We welcome clients from the second trimester onward. If your "
            "pregnancy is considered high risk, or you have swelling, headaches "
            "or blood pressure concerns, please talk with your obstetrician or "
            "midwife first and let us know what they advise. Prenatal sessions "
            "are offered by specific therapists, so the booking calendar only "
            "shows times when one of them is available."
        ),
        "buffer_minutes": 15,
        "options": [
            (60, 13000, 3500),
            (75, 15500, 4000),
        ],
    },
    {
        "slug": "myofascial-release",
        "name": "Myofascial Release and Assisted Stretching",
        "summary": (
            "Slow, sustained fascia work paired with therapist-assisted "
            "stretching to help you move more freely. Wear comfortable clothes."
        ),
        "description": (
            "This session combines two approaches that work well together. "
            "Myofascial release uses slow, sustained pressure and gentle "
            "skin-on stretching, with very little oil, to work the fascia: the "
            "connective tissue that wraps and links your muscles. Assisted "
            "stretching then takes the same areas through their range of "
            "motion, with your therapist moving and supporting the limb while "
            "you breathe and relax.\n\n"
            "## What to expect\n\n"
            "- The first part happens on the table, usually with little or no "
            "lotion so the therapist can feel and hold the tissue.\n"
            "- The second part is done in loose, comfortable clothing. Bring "
            "shorts and a T-shirt, or change at the studio.\n"
            "- Stretches are held, repeated and sometimes combined with a light "
            "contraction from you, a method often called contract-relax.\n"
            "- Nothing is forced. You tell us where the edge is, and we stay on "
            "the near side of it.\n\n"
            "## Who tends to book it\n\n"
            "People who feel stiff more than sore: desk workers whose hips feel "
            "locked after a long day, surfers who want easier rotation through "
            "the upper back, and older clients who want to keep reaching, "
            "turning and bending comfortably. It also pairs well with strength "
            "training, because it lets you explore range you can then build on "
            "in the gym.\n\n"
            "## Pace\n\n"
            "Expect a calm, quiet session. The pressure is lighter than in deep "
            "tissue work, yet many clients say they feel more thoroughly "
            "loosened afterward."
        ),
        "buffer_minutes": 10,
        "options": [
            (60, 13000, 3000),
            (90, 18000, 4500),
        ],
    },
    {
        "slug": "discovery-session",
        "name": "Free Discovery Session",
        "summary": (
            "A free 20-minute, in-person conversation with a therapist to talk "
            "through your goals and choose the right service. No obligation."
        ),
        "description": (
            "Not sure which service is right for you, or whether massage "
            "therapy fits what you are dealing with? The discovery session is "
            "a free, no-pressure way to find out. It takes place in person at "
            "either studio and lasts 20 minutes.\n\n"
            "## What we cover\n\n"
            "- What brings you in: where you feel tension, when it shows up, "
            "and what you have already tried\n"
            "- Your routine: work setup, training, sleep, commute and any "
            "upcoming events\n"
            "- A quick, fully clothed look at your posture and how a few key "
            "joints move\n"
            "- Which of our services would suit you, how long a session should "
            "be, and how often it might make sense to come in\n\n"
            "## What it is not\n\n"
            "There is no massage during the discovery session, and it is not a "
            "medical assessment. If anything you describe sounds like it needs "
            "a physician or physical therapist, we will tell you and suggest "
            "you check in with them first.\n\n"
            "## After the conversation\n\n"
            "You leave with a clear recommendation and, if you like, a booked "
            "first session. There is no deposit, no card required to hold the "
            "time, and no follow-up sales calls. If you decide massage is not "
            "what you need right now, that is a perfectly good outcome too.\n\n"
            "Discovery sessions are also a good way to meet a therapist before "
            "committing to a longer appointment."
        ),
        "buffer_minutes": 0,
        "options": [
            (20, 0, 0),
        ],
    },
]


REGIONS = [
    {
        "slug": "south-bay",
        "name": "South Bay",
        "description": (
            "The coastal cities around and south of LAX, from Playa del Rey and "
            "El Segundo down through Manhattan, Hermosa and Redondo to "
            "Torrance. Our Hermosa Beach studio is home base for most of these "
            "clients."
        ),
        "areas": [
            {
                "slug": "manhattan-beach",
                "name": "Manhattan Beach",
                "intro": (
                    "Manhattan Beach clients tend to arrive with very specific "
                    "goals: a half-marathon in the spring, a shoulder that "
                    "complains during beach volleyball, or a back that has not "
                    "forgiven a week of cross-country flights. Many live in the "
                    "Sand Section or east of Sepulveda and fit sessions around "
                    "school pickups and early workouts on the Strand.\n\n"
                    "Our Hermosa Beach studio is about two miles south of "
                    "downtown Manhattan Beach, roughly a ten-minute drive down "
                    "Highland Avenue or Valley Drive, or a pleasant bike ride "
                    "along the Strand if you do not mind arriving a little "
                    "warm. Weekday mornings book quickly, so it helps to "
                    "schedule a couple of weeks out."
                ),
                "postal_codes": ["90266"],
                "latitude": 33.8847,
                "longitude": -118.4109,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "hermosa-beach",
                "name": "Hermosa Beach",
                "intro": (
                    "Our home studio sits on Pier Avenue, so Hermosa Beach "
                    "clients often walk or bike over. The town is small, the "
                    "days start early, and plenty of our regulars are surfers, "
                    "paddleboarders and volleyball players who live within a "
                    "few blocks of the sand. We also see a lot of remote "
                    "workers who traded an office chair for a kitchen counter "
                    "and now feel it in their necks.\n\n"
                    "If you are driving, allow a few extra minutes on summer "
                    "weekends, when parking near the pier fills up; weekday "
                    "mornings are usually easy. Late-afternoon slots early in "
                    "the week are popular with commuters heading home from jobs "
                    "up the coast."
                ),
                "postal_codes": ["90254"],
                "latitude": 33.8622,
                "longitude": -118.3995,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "redondo-beach",
                "name": "Redondo Beach",
                "intro": (
                    "Redondo Beach stretches from the pier and King Harbor up "
                    "through North Redondo, and our clients come from both "
                    "ends. Near the harbor we see sailors, rowers and outrigger "
                    "paddlers; in North Redondo, more families and people who "
                    "work in the aerospace corridor along Aviation and "
                    "Rosecrans.\n\n"
                    "The Hermosa Beach studio is just over the city line, "
                    "typically ten minutes from most of Redondo via Pacific "
                    "Coast Highway or Aviation Boulevard. Saturday mornings are "
                    "a favorite for Redondo clients who want a session after an "
                    "early paddle and before the rest of the weekend takes "
                    "over."
                ),
                "postal_codes": ["90277", "90278"],
                "latitude": 33.8492,
                "longitude": -118.3884,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "torrance",
                "name": "Torrance",
                "intro": (
                    "Torrance is a big, practical city, and the people we see "
                    "from there reflect that: parents with young kids, nurses "
                    "and staff from the local medical centers, engineers from "
                    "the industrial corridor, and a strong community of runners "
                    "and cyclists who train on the coastal bluffs and around "
                    "Wilson Park.\n\n"
                    "Most Torrance clients reach our Hermosa Beach studio in "
                    "fifteen to twenty minutes, heading west on 190th Street or "
                    "Artesia Boulevard. If you work shifts, mention it when you "
                    "book; we can often find a time near the start or end of a "
                    "therapist's day that lines up with yours."
                ),
                "postal_codes": ["90501", "90502", "90503", "90504", "90505"],
                "latitude": 33.8358,
                "longitude": -118.3406,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "el-segundo",
                "name": "El Segundo",
                "intro": (
                    "El Segundo feels like a small town wrapped around a dense "
                    "cluster of aerospace and tech offices. Most of the clients "
                    "we see from here spend long hours at a desk or in a lab, "
                    "and they tend to bring the same tight neck, rounded "
                    "shoulders and stiff hips. Plenty of them also surf at El "
                    "Porto or ride the beach path after work.\n\n"
                    "Our Hermosa Beach studio is about fifteen minutes south "
                    "along Sepulveda Boulevard or Vista del Mar, and the Culver "
                    "City studio is a similar drive north when traffic around "
                    "LAX cooperates. Lunchtime sessions are possible if you "
                    "plan a tight loop."
                ),
                "postal_codes": ["90245"],
                "latitude": 33.9192,
                "longitude": -118.4165,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "playa-del-rey",
                "name": "Playa del Rey",
                "intro": (
                    "Playa del Rey is a quiet pocket between the Ballona "
                    "Wetlands and the runways at LAX, with steep streets, beach "
                    "bungalows and a lot of people who like it that way. Our "
                    "clients here include airline crews working odd rotations, "
                    "cyclists who use the beach path as a daily route, and "
                    "faculty and staff from Loyola Marymount up on the bluff.\n\n"
                    "The Culver City studio is usually closest, around fifteen "
                    "minutes via Culver Boulevard or Jefferson Boulevard. "
                    "Hermosa Beach is about twenty minutes south on Vista del "
                    "Mar when the coast road is clear."
                ),
                "postal_codes": ["90293"],
                "latitude": 33.9570,
                "longitude": -118.4420,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
        ],
    },
    {
        "slug": "westside",
        "name": "Westside",
        "description": (
            "Santa Monica, Venice and Culver City, where clients juggle "
            "production schedules, long screen days and early surf sessions. "
            "Our Culver City studio is a short drive from all three."
        ),
        "areas": [
            {
                "slug": "santa-monica",
                "name": "Santa Monica",
                "intro": (
                    "Santa Monica clients come to us from every corner of the "
                    "city: apartments north of Wilshire, the busy blocks around "
                    "Main Street, and the quieter streets near the airport. "
                    "Many work in tech, health care or entertainment, and a "
                    "large share take fitness seriously, whether that means "
                    "stair workouts, yoga classes or long rides up the coast.\n\n"
                    "Our Culver City studio is roughly five miles away, about "
                    "twenty minutes by car depending on the time of day. You "
                    "can also ride the Metro E Line to the Culver City station "
                    "and walk the rest of the way."
                ),
                "postal_codes": ["90401", "90402", "90403", "90404", "90405"],
                "latitude": 34.0195,
                "longitude": -118.4912,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "culver-city",
                "name": "Culver City",
                "intro": (
                    "Our Westside studio is in downtown Culver City, a short "
                    "walk from the restaurants and theaters around Washington "
                    "and Culver Boulevards. Local clients include editors, "
                    "animators and production crews whose days can stretch "
                    "well past twelve hours, plus plenty of people from the "
                    "tech and design offices in the Hayden Tract.\n\n"
                    "Families from residential neighborhoods such as Carlson "
                    "Park and Sunkist Park make up a steady share of our "
                    "calendar as well. If you live in town, you can often walk "
                    "or bike over; the Ballona Creek bike path and the Metro E "
                    "Line both make it easy to arrive without a car."
                ),
                "postal_codes": ["90230", "90232"],
                "latitude": 34.0211,
                "longitude": -118.3965,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "prenatal-massage",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
            {
                "slug": "venice",
                "name": "Venice",
                "intro": (
                    "Venice runs on its own clock. Our clients here include "
                    "surfers who paddle out at dawn near the breakwater, skaters "
                    "and street performers who spend the day on their feet, and "
                    "a growing number of people working long hours in creative "
                    "studios along Abbot Kinney and Rose Avenue. Many prefer "
                    "firm work and a therapist who does not mind a little sand "
                    "on the floor mat.\n\n"
                    "The Culver City studio is about four miles inland, "
                    "typically fifteen minutes by car along Venice or "
                    "Washington Boulevard, and comfortably bikeable on a clear "
                    "afternoon."
                ),
                "postal_codes": ["90291"],
                "latitude": 33.9850,
                "longitude": -118.4695,
                "services": [
                    "neuromuscular-therapy",
                    "deep-tissue-sports-massage",
                    "trigger-point-therapy",
                    "myofascial-release",
                    "discovery-session",
                ],
            },
        ],
    },
]


LOCATIONS = [
    {
        "slug": "hermosa-beach-studio",
        "name": "Saltgrass Hermosa Beach Studio",
        "area": "hermosa-beach",
        "street": "731 Pier Avenue, Suite 3",
        "city": "Hermosa Beach",
        "state": "CA",
        "postal_code": "90254",
        "phone": "310-555-0142",
        "latitude": 33.8628,
        "longitude": -118.3965,
        "directions": (
            "Metered street parking lines Pier Avenue, and public lots nearby "
            "fill up on summer weekends, so allow a few extra minutes. Our "
            "entrance is at street level on the side of the building, with a "
            "step-free path and an accessible restroom inside."
        ),
    },
    {
        "slug": "culver-city-studio",
        "name": "Saltgrass Culver City Studio",
        "area": "culver-city",
        "street": "9727 Washington Boulevard, Suite 205",
        "city": "Culver City",
        "state": "CA",
        "postal_code": "90232",
        "phone": "310-555-0157",
        "latitude": 34.0223,
        "longitude": -118.3978,
        "directions": (
            "We are on the second floor; take the elevator from the lobby "
            "entrance on Washington Boulevard. Downtown Culver City's public "
            "parking structures are a short walk away, and the Metro E Line "
            "Culver City station is roughly fifteen minutes on foot."
        ),
    },
]


THERAPISTS = [
    {
        "slug": "dana-okafor",
        "name": "Dana Okafor",
        "title": ("Certified Massage Therapist (CAMTC), Certified Neuromuscular Therapist"),
        "bio": (
            "Dana Okafor came to massage therapy after eight years as a "
            "structural drafter, which explains a lot about how she works. She "
            "likes to understand the whole system before touching any single "
            "part, so expect questions about your chair height, your sleeping "
            "position and which hand holds your phone.\n\n"
            "Dana trained in neuromuscular therapy and trigger point work and "
            "now leads our clinical approach at both studios. Her sessions are "
            "methodical: a clear starting observation, focused work on two or "
            "three key regions, then a retest so you can feel what changed. "
            "She is especially interested in desk-related neck and shoulder "
            "patterns and in stubborn hip tension among runners.\n\n"
            "Outside the studio, Dana runs the bluffs in Palos Verdes on "
            "weekends and is slowly restoring a 1960s drafting table she "
            "refuses to part with.\n\n"
            "**Works at:** Hermosa Beach (Monday, Wednesday, Friday) and "
            "Culver City (Tuesday, Thursday)."
        ),
        "photo": "dana-okafor.svg",
        "services": [
            "neuromuscular-therapy",
            "deep-tissue-sports-massage",
            "trigger-point-therapy",
            "myofascial-release",
            "discovery-session",
        ],
        "hours": [
            {"location": "hermosa-beach-studio", "weekday": 0, "start": "09:00", "end": "13:00"},
            {"location": "hermosa-beach-studio", "weekday": 0, "start": "14:00", "end": "18:00"},
            {"location": "culver-city-studio", "weekday": 1, "start": "10:00", "end": "14:00"},
            {"location": "culver-city-studio", "weekday": 1, "start": "15:00", "end": "19:00"},
            {"location": "hermosa-beach-studio", "weekday": 2, "start": "09:00", "end": "15:00"},
            {"location": "culver-city-studio", "weekday": 3, "start": "10:00", "end": "14:00"},
            {"location": "culver-city-studio", "weekday": 3, "start": "15:00", "end": "19:00"},
            {"location": "hermosa-beach-studio", "weekday": 4, "start": "08:00", "end": "12:00"},
        ],
    },
    {
        "slug": "lena-marchetti",
        "name": "Lena Marchetti",
        "title": ("Certified Massage Therapist (CAMTC), Certified Prenatal Massage Therapist"),
        "bio": (
            "I started practicing massage at a birth center in Oakland, where "
            "I learned how much difference an hour of calm, careful touch can "
            "make during a demanding season of life. That experience still "
            "shapes every session I give.\n\n"
            "Today I focus on prenatal massage, myofascial release and gentle "
            "neuromuscular work. I love working with expectant parents from "
            "the second trimester on, and I also see plenty of clients who "
            "simply want a slower, quieter style of bodywork that is still "
            "purposeful. I will always ask what feels good, what does not, and "
            "how you want to feel when you walk out the door.\n\n"
            "I hold certifications in prenatal massage and myofascial "
            "techniques and take continuing education every year, most "
            "recently in positioning for late pregnancy.\n\n"
            "When I am not at the studio, I am probably in my garden in "
            "Westchester or attempting, with mixed success, to bake a decent "
            "loaf of sourdough.\n\n"
            "**Works at:** Culver City (Monday, Wednesday) and Hermosa Beach "
            "(Tuesday, Friday)."
        ),
        "photo": "lena-marchetti.svg",
        "services": [
            "neuromuscular-therapy",
            "trigger-point-therapy",
            "prenatal-massage",
            "myofascial-release",
            "discovery-session",
        ],
        "hours": [
            {"location": "culver-city-studio", "weekday": 0, "start": "09:00", "end": "13:00"},
            {"location": "hermosa-beach-studio", "weekday": 1, "start": "09:00", "end": "12:30"},
            {"location": "hermosa-beach-studio", "weekday": 1, "start": "13:30", "end": "17:00"},
            {"location": "culver-city-studio", "weekday": 2, "start": "11:00", "end": "15:00"},
            {"location": "culver-city-studio", "weekday": 2, "start": "16:00", "end": "19:00"},
            {"location": "hermosa-beach-studio", "weekday": 4, "start": "09:00", "end": "12:00"},
            {"location": "hermosa-beach-studio", "weekday": 4, "start": "13:00", "end": "16:00"},
        ],
    },
    {
        "slug": "theo-nakamura",
        "name": "Theo Nakamura",
        "title": ("Certified Massage Therapist (CAMTC), Sports Massage Specialist"),
        "bio": (
            "Theo Nakamura grew up playing water polo in Torrance and spent "
            "his twenties coaching youth swim teams, so he has seen a lot of "
            "shoulders, both healthy and unhappy. He moved into massage "
            "therapy to help athletes the way he wished someone had helped him "
            "at seventeen.\n\n"
            "His sessions are direct and practical. Theo uses firm deep tissue "
            "and sports techniques, mixes in active movement and assisted "
            "stretching, and talks plainly about training load and recovery. "
            "He works with triathletes, volleyball players, surfers and "
            "climbers, and also with production crews and nurses whose jobs "
            "are every bit as physical as a sport.\n\n"
            "Theo will tell you when a problem sounds like one for a physical "
            "therapist or sports medicine doctor, and he is happy to "
            "coordinate with your care team.\n\n"
            "Off the clock, he swims laps at dawn and is training, slowly, for "
            "his first open-water mile.\n\n"
            "**Works at:** Culver City (Tuesday, Thursday, Friday) and Hermosa "
            "Beach (Saturday)."
        ),
        "photo": "theo-nakamura.svg",
        "services": [
            "neuromuscular-therapy",
            "deep-tissue-sports-massage",
            "trigger-point-therapy",
            "myofascial-release",
            "discovery-session",
        ],
        "hours": [
            {"location": "culver-city-studio", "weekday": 1, "start": "12:00", "end": "16:00"},
            {"location": "culver-city-studio", "weekday": 1, "start": "16:30", "end": "20:00"},
            {"location": "culver-city-studio", "weekday": 3, "start": "07:00", "end": "11:00"},
            {"location": "culver-city-studio", "weekday": 3, "start": "12:00", "end": "16:00"},
            {"location": "culver-city-studio", "weekday": 4, "start": "10:00", "end": "14:00"},
            {"location": "culver-city-studio", "weekday": 4, "start": "15:00", "end": "19:00"},
            {"location": "hermosa-beach-studio", "weekday": 5, "start": "08:00", "end": "12:00"},
            {"location": "hermosa-beach-studio", "weekday": 5, "start": "12:30", "end": "15:00"},
        ],
    },
]


AREA_SERVICE_TEXT = {
    # ------------------------------------------------------------ Manhattan Beach
    ("manhattan-beach", "neuromuscular-therapy"): (
        "Neuromuscular therapy works well for Manhattan Beach clients who know "
        "exactly where the trouble lives, such as a right shoulder that "
        "tightens after a week of laptop work or a calf that grumbles after "
        "sets at Sand Dune Park. We spend the session on that pattern instead "
        "of spreading the time thin. The Hermosa Beach studio is a short "
        "ten-minute drive south, so an early appointment can fit before the "
        "school run. Plan on 90 minutes the first time so we can assess, work "
        "and leave you with a simple plan for the weeks ahead."
    ),
    ("manhattan-beach", "deep-tissue-sports-massage"): (
        "Between doubles tournaments on the sand, Strand runs and early surf at "
        "El Porto, Manhattan Beach keeps its residents busy. Our deep tissue "
        "and sports massage gives those legs, shoulders and lower backs firm, "
        "well-timed attention. Tell us what your next event is and when, and "
        "we will shape the pressure around it: lighter in the days before "
        "competition, more thorough during a regular training week. The "
        "Hermosa Beach studio is about two miles away, close enough to bike "
        "there along the Strand and roll home afterward."
    ),
    ("manhattan-beach", "trigger-point-therapy"): (
        "If you spend long stretches in a car seat on the 405 or crawling "
        "along Sepulveda, the muscles at the top of your shoulders and the "
        "base of your skull can collect tender knots that seem linked to "
        "afternoon head tension. Trigger point therapy finds those spots and "
        "presses them steadily until they soften. For Manhattan Beach clients, "
        "the Hermosa Beach studio is a quick hop down the hill, and a "
        "45-minute session fits neatly into a lunch break. We will also show "
        "you a simple ball routine to use at your desk."
    ),
    ("manhattan-beach", "prenatal-massage"): (
        "Expecting in Manhattan Beach often means walking the steep streets "
        "between the beach and Sepulveda with a changing center of gravity. "
        "Our prenatal massage is side-lying and well cushioned, with attention "
        "on the lower back, hips and feet that carry much of that load. "
        "Sessions are given by our prenatal-trained therapist at the Hermosa "
        "Beach studio, roughly ten minutes from most of Manhattan Beach, and "
        "weekday mornings usually mean easy parking nearby. If your pregnancy "
        "is considered high risk, please clear massage with your obstetrician "
        "or midwife before booking."
    ),
    ("manhattan-beach", "myofascial-release"): (
        "Manhattan Beach has no shortage of people who train hard and stretch "
        "rarely. If your hips feel locked after a flight home or your upper "
        "back resists every overhead reach, myofascial release followed by "
        "assisted stretching is a calm way to explore that range again. We "
        "hold slow, sustained pressure first, then move you through guided "
        "stretches while you breathe. Bring shorts and a T-shirt to the "
        "Hermosa Beach studio, about a ten-minute drive, and leave room in "
        "your day for an easy walk afterward."
    ),
    ("manhattan-beach", "discovery-session"): (
        "Curious whether our work fits your Manhattan Beach routine? Book a "
        "free 20-minute discovery session at the Hermosa Beach studio, about "
        "ten minutes away. We will talk through your training, workday and any "
        "nagging spots, take a quick clothed look at how you move, and suggest "
        "where to begin. No card, no deposit."
    ),
    # -------------------------------------------------------------- Hermosa Beach
    ("hermosa-beach", "neuromuscular-therapy"): (
        "Hermosa Beach is where our home studio lives, so neuromuscular "
        "therapy here can be as simple as a stroll up Pier Avenue. Many local "
        "clients arrive with one of a few familiar complaints: a neck that "
        "stiffens from working on a laptop at the kitchen table, or a lower "
        "back that objects after a long morning of paddling. We work slowly "
        "and specifically on the muscles behind that pattern and check "
        "pressure with you throughout. A monthly 60-minute visit is a common "
        "rhythm once the first few sessions have shown what helps."
    ),
    ("hermosa-beach", "deep-tissue-sports-massage"): (
        "Hermosa's volleyball courts, surf breaks and morning runs along the "
        "Strand all ask a lot of shoulders, hips and calves. We answer with "
        "firm, deliberate deep tissue and sports work, using compression, "
        "cross-fiber strokes and active movement. Because the "
        "Pier Avenue studio is only a few blocks from the sand, it is easy to "
        "come in right after you train, although we suggest waiting an hour "
        "and eating something first. Theo's Saturday hours tend to fill with "
        "tournament players, so book early in the week."
    ),
    ("hermosa-beach", "trigger-point-therapy"): (
        "Trigger point work suits Hermosa Beach clients who can point to one "
        "stubborn spot: the knot under the shoulder blade from repeated surf "
        "paddling, or the ache at the side of the hip after a long walk on "
        "soft sand. We map where you feel discomfort, press the related points "
        "steadily, and follow each one with a gentle stretch. Since you live "
        "minutes from our Pier Avenue studio, short 45-minute visits every "
        "week or two are easy to fit in while we work through a problem area."
    ),
    ("hermosa-beach", "prenatal-massage"): (
        "Pregnancy in a walkable beach town brings its own rhythm: strolls to "
        "the pier, stairs up from the sand, and plenty of time on your feet. "
        "Our prenatal massage uses side-lying positioning and supportive "
        "cushions to ease the hips, lower back and neck. Hermosa Beach clients "
        "can usually walk or take a very short drive to the Pier Avenue "
        "studio, and the street-level entrance means no stairs on the way in. "
        "Sessions run 60 or 75 minutes, and you are welcome to pause for a "
        "break whenever you need one."
    ),
    ("hermosa-beach", "myofascial-release"): (
        "For Hermosa Beach locals who spend their mornings paddling and their "
        "afternoons hunched over a laptop, myofascial release and assisted "
        "stretching can help the body move between those two very different "
        "shapes. We start with slow, oil-light pressure through the chest, "
        "upper back and hips, then guide you through stretches that open the "
        "front of the shoulders and the hip flexors. The studio is close "
        "enough to walk over already dressed in comfortable clothes, which "
        "saves you changing on arrival."
    ),
    ("hermosa-beach", "discovery-session"): (
        "Live in Hermosa and wondering where to start? The free discovery "
        "session is 20 minutes at our Pier Avenue studio, likely within "
        "walking distance of your front door. Bring your questions and a rough "
        "picture of your week, and we will recommend a service and session "
        "length that fit. There is nothing to pay and no obligation to book."
    ),
    # -------------------------------------------------------------- Redondo Beach
    ("redondo-beach", "neuromuscular-therapy"): (
        "Redondo Beach clients often bring patterns shaped by the harbor and "
        "the commute: rowers and outrigger paddlers with busy upper backs, and "
        "North Redondo residents who spend an hour a day on Aviation Boulevard "
        "or the 405. Neuromuscular therapy lets us focus on those specific "
        "habits instead of giving you a general rubdown. The Hermosa Beach "
        "studio sits just across the city line, about ten minutes from most of "
        "Redondo. After your first visit, we will email a short note on what "
        "we found and a couple of simple things to try at home."
    ),
    ("redondo-beach", "deep-tissue-sports-massage"): (
        "Whether you race outrigger canoes out of King Harbor, ride the hills "
        "toward Palos Verdes, or play in a weeknight softball league at one of "
        "the city parks, deep tissue and sports massage can be part of your "
        "recovery routine. We use firm pressure and sports techniques timed "
        "around your schedule, keeping the work lighter close to race day. "
        "Redondo Beach is a quick drive up Pacific Coast Highway from our "
        "Hermosa Beach studio, and Saturday morning slots work well after an "
        "early row."
    ),
    ("redondo-beach", "trigger-point-therapy"): (
        "Many Redondo Beach clients work from home in North Redondo or drive "
        "to the aerospace offices nearby, and they carry that work in the jaw, "
        "neck and forearms. Trigger point therapy looks for the tender spots "
        "in those muscles that may refer discomfort to the temples, the "
        "shoulder or the hand. Each point gets steady, tolerable pressure "
        "followed by a slow stretch. Book a 45-minute session at the Hermosa "
        "Beach studio, roughly ten minutes away, and ask us for a short home "
        "routine with a tennis ball."
    ),
    ("redondo-beach", "prenatal-massage"): (
        "Redondo Beach parents-to-be tell us the harbor walks stay pleasant "
        "well into pregnancy, while sleep and hip comfort get harder. Our "
        "prenatal massage is built around side-lying comfort, a body pillow "
        "and gentle, steady pressure on the back, hips and legs, with no deep "
        "work on the calves. The Hermosa Beach studio is only a few minutes "
        "from south Redondo via Pacific Coast Highway. If you are still in "
        "your first trimester, book a discovery session and we will plan "
        "ahead for the months to come."
    ),
    ("redondo-beach", "myofascial-release"): (
        "Sailors, rowers and anyone who spends weekends on the water in "
        "Redondo Beach know how tight the upper back and hips can get from "
        "bracing against the boat. Myofascial release softens those areas with "
        "slow, sustained holds, and assisted stretching then takes you through "
        "rotations and reaches you may not manage on your own. The session is "
        "calm and unhurried. Our Hermosa Beach studio is about ten minutes up "
        "the coast, so bring loose clothes for the stretching half and come "
        "straight from the marina."
    ),
    ("redondo-beach", "discovery-session"): (
        "Not sure which session suits your Redondo Beach routine? Start with a "
        "free 20-minute discovery session at our Hermosa Beach studio, just "
        "over the city line. We will ask about your work, time on the water "
        "and any sore spots, then recommend a service and a sensible schedule. "
        "It costs nothing and commits you to nothing."
    ),
    # ------------------------------------------------------------------- Torrance
    ("torrance", "neuromuscular-therapy"): (
        "Torrance clients tend to lead full, structured lives: long shifts at "
        "the medical centers, engineering jobs in the industrial corridor, and "
        "weekends packed with youth soccer and errands around Del Amo. "
        "Neuromuscular therapy gives us time to find what is behind your "
        "recurring neck, back or hip tension and to work on it methodically. "
        "Our Hermosa Beach studio is about fifteen to twenty minutes west, "
        "depending on which side of Torrance you start from. Many clients book "
        "the first visit at 90 minutes and then move to a regular 60-minute "
        "schedule."
    ),
    ("torrance", "deep-tissue-sports-massage"): (
        "Torrance has a serious running and cycling community, from the climbs "
        "up onto the Palos Verdes peninsula to the flat loops around Wilson "
        "Park. Deep tissue and sports massage helps those riders and runners "
        "keep up with their training, and it also suits people whose work is "
        "physical, such as nurses and warehouse staff. Expect firm, targeted "
        "pressure and an honest conversation about how often it makes sense to "
        "come in. The Hermosa Beach studio is roughly a twenty-minute drive "
        "from central Torrance."
    ),
    ("torrance", "trigger-point-therapy"): (
        "Parents in Torrance often describe the same cluster of aches: one "
        "shoulder tired from hauling a toddler or a car seat, and a lower back "
        "that tightens after a day of bending. Trigger point therapy targets "
        "the tender spots behind those patterns with steady pressure and short "
        "stretches, and it works well in a 45-minute slot. Most of Torrance is "
        "fifteen to twenty minutes from the Hermosa Beach studio, so a visit "
        "can slip into the gap between school drop-off and pickup."
    ),
    ("torrance", "prenatal-massage"): (
        "Families choose Torrance for good schools and room to grow, and many "
        "of our prenatal clients there are expecting a second or third child "
        "while keeping up with the first. Our prenatal massage gives you an "
        "hour, or a little more, lying comfortably on your side while we ease "
        "the lower back, hips, shoulders and feet. The Hermosa Beach studio is "
        "a fifteen- to twenty-minute drive west, and we are glad to time your "
        "appointment around a partner or grandparent taking over childcare. "
        "Check with your obstetrician or midwife first if you have any "
        "pregnancy complications."
    ),
    ("torrance", "myofascial-release"): (
        "Torrance clients who sit for long periods, whether at a desk, in a "
        "car on Hawthorne Boulevard, or through back-to-back meetings, often "
        "feel stiff rather than sore. Myofascial release and assisted "
        "stretching is designed for exactly that stiffness. We use slow "
        "pressure to soften the connective tissue around the hips, chest and "
        "back, and then take you through gentle, supported stretches. Plan on "
        "about twenty minutes of driving to our Hermosa Beach studio, and wear "
        "something you can move in."
    ),
    ("torrance", "discovery-session"): (
        "The free discovery session is a simple way for Torrance residents to "
        "meet a therapist before booking a full appointment. Drive fifteen to "
        "twenty minutes to our Hermosa Beach studio, spend 20 minutes talking "
        "through your routine and any problem areas, and leave with a clear "
        "recommendation. No deposit and no pressure."
    ),
    # ----------------------------------------------------------------- El Segundo
    ("el-segundo", "neuromuscular-therapy"): (
        "El Segundo's aerospace and tech offices keep a lot of people in front "
        "of screens for nine or ten hours at a stretch, and the body records "
        "every one of them. Neuromuscular therapy focuses on that desk-worker "
        "pattern: a forward head, tight chest muscles and hips that have "
        "forgotten how to straighten. We work slowly and specifically, then "
        "send you back with one or two changes to try at your workstation. "
        "Both studios are within about fifteen minutes, Hermosa Beach to the "
        "south and Culver City to the north."
    ),
    ("el-segundo", "deep-tissue-sports-massage"): (
        "Plenty of El Segundo engineers spend their days at a desk and their "
        "evenings at El Porto, on the beach bike path or in a local gym, and "
        "that combination is hard on the body. Deep tissue and sports massage "
        "addresses both sides: the stiffness of sitting and the load of "
        "training. We adapt pressure to your plans, so tell us about upcoming "
        "races or competitions. The Hermosa Beach studio is about fifteen "
        "minutes south, and a late-afternoon session can fit between leaving "
        "work and dinner."
    ),
    ("el-segundo", "trigger-point-therapy"): (
        "Long hours with a mouse and keyboard, tight deadlines and launch "
        "schedules can leave El Segundo professionals with tender points in "
        "the forearms, upper shoulders and jaw. Trigger point therapy maps "
        "those spots and works them one at a time with steady, tolerable "
        "pressure. Many El Segundo clients prefer the 45-minute option because "
        "it fits a long lunch, especially at the Hermosa Beach studio about "
        "fifteen minutes down the coast. We can also suggest a few small "
        "adjustments to your desk setup."
    ),
    ("el-segundo", "myofascial-release"): (
        "Sitting is the common thread for most of the El Segundo clients we "
        "see, and sitting tends to shorten the hip flexors and round the upper "
        "back. Myofascial release and assisted stretching takes a gentler "
        "approach than deep tissue work: slow holds to soften the fascia, then "
        "guided stretches to reclaim range you may have lost. Choose either "
        "studio, since Hermosa Beach and Culver City are each roughly fifteen "
        "minutes from El Segundo, and bring comfortable clothes to change "
        "into."
    ),
    ("el-segundo", "discovery-session"): (
        "Working in El Segundo and not sure what your neck and shoulders need? "
        "A free 20-minute discovery session at either studio, both about a "
        "fifteen-minute drive, gives you time to describe your workday and "
        "training and leave with a clear recommendation. It costs nothing and "
        "fits inside a lunch break."
    ),
    # -------------------------------------------------------------- Playa del Rey
    ("playa-del-rey", "neuromuscular-therapy"): (
        "Playa del Rey residents often describe their neighborhood as a small "
        "town tucked beside a major airport, and many of our clients here work "
        "in aviation or keep irregular schedules. Neuromuscular therapy helps "
        "us address the tension that builds from long flights, jet lag and "
        "nights in unfamiliar hotel beds. We concentrate on the neck, upper "
        "back and hips that take most of that strain. The Culver City studio "
        "is about fifteen minutes north, and booking online makes it easy to "
        "plan around a rotating roster."
    ),
    ("playa-del-rey", "deep-tissue-sports-massage"): (
        "The beach path through Playa del Rey is a favorite route for "
        "cyclists heading north to Santa Monica or south to the beach cities, "
        "and the bluffs above the wetlands make good training ground for "
        "runners. Deep tissue and sports massage keeps those legs, hips and "
        "lower backs ready for the next ride or run, with firm pressure and "
        "active techniques matched to your schedule. Our Culver City studio is "
        "usually the quickest trip, roughly fifteen minutes up Culver "
        "Boulevard, although Hermosa Beach works when you are heading south "
        "anyway."
    ),
    ("playa-del-rey", "trigger-point-therapy"): (
        "Flight crews, frequent fliers and airport staff living in Playa del "
        "Rey tend to carry stress in predictable places: the upper shoulders "
        "from hauling bags, the lower back from jump seats and cramped rows, "
        "and the calves from long walks through terminals. Trigger point "
        "therapy finds and works those tender spots directly. A 45-minute "
        "session at the Culver City studio, about fifteen minutes away, can "
        "fit between trips, and we will give you a short routine you can do "
        "in a hotel room."
    ),
    ("playa-del-rey", "myofascial-release"): (
        "Between the Ballona Wetlands, the jetties and the quiet hillside "
        "streets, Playa del Rey invites long walks, yet many residents still "
        "spend most of the day seated. Myofascial release and assisted "
        "stretching is a calm, thorough way to undo some of that stiffness. We "
        "start with slow pressure across the back and hips, then move through "
        "supported stretches for the legs, chest and spine. The Culver City "
        "studio is roughly fifteen minutes from Playa, and loose clothing makes "
        "the stretching half easier."
    ),
    ("playa-del-rey", "discovery-session"): (
        "If you live in Playa del Rey and want to see whether our approach "
        "suits you, the free discovery session is the easiest start. It lasts "
        "20 minutes, usually at the Culver City studio about fifteen minutes "
        "away, and covers your schedule, travel and problem areas before we "
        "suggest a service."
    ),
    # --------------------------------------------------------------- Santa Monica
    ("santa-monica", "neuromuscular-therapy"): (
        "Santa Monica clients are often well informed about their bodies: they "
        "practice yoga, work with trainers and read about posture. "
        "Neuromuscular therapy fits that mindset because we explain what we "
        "find and why we are working where we are. Typical patterns include "
        "tight necks from long video calls and hips that stiffen after hours "
        "of driving between the Westside and Hollywood. Our Culver City studio "
        "is about five miles away, and the Metro E Line from downtown Santa "
        "Monica stops roughly fifteen minutes on foot from our door."
    ),
    ("santa-monica", "deep-tissue-sports-massage"): (
        "Between the Fourth Street stairs, long rides up Pacific Coast Highway "
        "and weekend pickup games on the beach, Santa Monica is hard on legs "
        "and shoulders. Deep tissue and sports massage offers firm, purposeful "
        "work that supports your training rather than interrupting it. We "
        "adjust the pressure to where you are in your week, lighter before a "
        "big effort and more detailed after. Expect a drive of around twenty "
        "minutes to our Culver City studio, or take the train and leave the "
        "car at home."
    ),
    ("santa-monica", "trigger-point-therapy"): (
        "Screen-heavy jobs are common in Santa Monica, from software teams "
        "near Colorado Avenue to writers and producers working from home. "
        "Hours of typing and scrolling can leave tender spots in the forearms, "
        "neck and upper shoulders, and some of those spots may refer an ache "
        "toward the temples or hands. Trigger point therapy addresses each "
        "point with steady pressure and a short stretch. Book a 45- or "
        "60-minute visit at our Culver City studio, roughly twenty minutes "
        "from Santa Monica by car."
    ),
    ("santa-monica", "prenatal-massage"): (
        "Expecting in Santa Monica often means balancing a busy job with walks "
        "along Ocean Avenue and prenatal yoga classes. Our prenatal massage "
        "adds quiet, cushioned time on your side, with gentle work on the "
        "lower back, hips and shoulders. Sessions take place at the Culver "
        "City studio, which is about twenty minutes away and has an elevator "
        "up to our suite. Appointments are always with our prenatal-trained "
        "therapist, and we ask you to check with your obstetrician or midwife "
        "if your pregnancy carries any extra risk."
    ),
    ("santa-monica", "myofascial-release"): (
        "Santa Monica's yoga and Pilates regulars sometimes find that "
        "flexibility in class does not carry over to the rest of the day. "
        "Myofascial release and assisted stretching can help bridge that gap, "
        "combining slow, sustained pressure on the fascia with stretches your "
        "therapist guides and supports. It is especially useful for tight hips "
        "and chests after long days of screen work. Our Culver City studio is "
        "a twenty-minute drive from most of Santa Monica; bring leggings or "
        "shorts for the second half of the session."
    ),
    ("santa-monica", "discovery-session"): (
        "For Santa Monica residents, the free 20-minute discovery session at "
        "our Culver City studio is a relaxed way to ask questions before "
        "committing to a full visit. Ride the E Line or drive about twenty "
        "minutes, talk through your week and your goals, and leave with a "
        "recommendation. There is no charge."
    ),
    # ---------------------------------------------------------------- Culver City
    ("culver-city", "neuromuscular-therapy"): (
        "Culver City is home to our Westside studio, and a lot of our "
        "neuromuscular work here is for people in film, television and "
        "animation whose days can run twelve hours or more. Editors, colorists "
        "and animators tend to share one pattern: a head that drifts toward "
        "the monitor, a tight mouse shoulder and a lower back that aches by "
        "late evening. We work on those areas methodically and send you home "
        "with a couple of small habits to try. Local clients can walk or bike "
        "to the studio in downtown Culver City."
    ),
    ("culver-city", "deep-tissue-sports-massage"): (
        "Production crews, grips and set builders in Culver City do physically "
        "demanding work on long, irregular schedules, and they need recovery "
        "that keeps up. Deep tissue and sports massage provides firm, targeted "
        "pressure for backs, shoulders and legs that lift, climb and stand all "
        "day. We also see plenty of runners who train along Ballona Creek and "
        "up the steps at the Baldwin Hills Scenic Overlook. Our downtown studio "
        "is easy to reach, and Theo's early Thursday slots work well before a "
        "call time."
    ),
    ("culver-city", "trigger-point-therapy"): (
        "Animators and video editors in Culver City spend hours making small, "
        "precise movements, and that work can leave tender trigger points in "
        "the forearms, the upper shoulders and the muscles at the base of the "
        "skull. Trigger point therapy finds those spots and gives each one "
        "steady, tolerable pressure, followed by a stretch. Our downtown "
        "Culver City studio is often just a few minutes from the lots and "
        "offices where clients work, so a 45-minute session can fit inside a "
        "long lunch break."
    ),
    ("culver-city", "prenatal-massage"): (
        "Culver City families can book prenatal massage close to home at our "
        "downtown studio. Sessions are side-lying and fully supported with "
        "pillows, and we focus on the lower back, hips, neck and tired feet. "
        "Because many expectant parents here keep working long production or "
        "office hours late into pregnancy, we try to keep some midweek "
        "afternoons available. The studio is on the second floor with an "
        "elevator, and public parking structures are a short walk away."
    ),
    ("culver-city", "myofascial-release"): (
        "For Culver City clients who spend long days in edit bays, design "
        "studios or tech offices in the Hayden Tract, myofascial release and "
        "assisted stretching is a thoughtful counterweight to all that "
        "sitting. We begin with slow, sustained pressure through the back, "
        "hips and chest, then move into guided stretches that help restore "
        "range through the spine and legs. If you live locally, it is easy to "
        "walk over to our downtown studio after work in comfortable clothes."
    ),
    ("culver-city", "discovery-session"): (
        "Live or work in Culver City? Stop by our downtown studio for a free "
        "20-minute discovery session. We will talk through your hours, habits "
        "and any areas that bother you, take a quick clothed look at your "
        "posture, and recommend where to begin. It is completely free."
    ),
    # --------------------------------------------------------------------- Venice
    ("venice", "neuromuscular-therapy"): (
        "Venice clients are often creative professionals and long-time locals "
        "who spend their days on their feet, at a drafting table, or in front "
        "of a screen in a converted bungalow office. Neuromuscular therapy "
        "helps us find the specific muscles behind your recurring tension, "
        "whether that is a neck that stiffens from sketching or hips that "
        "tighten from skating the boardwalk. The Culver City studio is about "
        "fifteen minutes inland by car, and plenty of Venice clients ride "
        "there using the Venice Boulevard bike lanes."
    ),
    ("venice", "deep-tissue-sports-massage"): (
        "Surfers at the Venice breakwater, skaters at the skatepark and "
        "players on the beach basketball courts all know what it means to "
        "push the body hard. Deep tissue and sports massage gives those "
        "shoulders, hips and legs the firm, purposeful attention they ask for. "
        "We will talk about your time in the water or on the court and time "
        "the work so you feel ready for the next session. Our Culver City "
        "studio is about four miles east, a quick drive or an easy ride."
    ),
    ("venice", "trigger-point-therapy"): (
        "Paddling out at Venice day after day loads the same muscles again "
        "and again, and tender knots often build up around the shoulder "
        "blades, the neck and the lower back. Trigger point therapy works "
        "those specific points with steady pressure and targeted stretches, "
        "and many surfers tell us paddling feels smoother afterward. Sessions "
        "last 45 or 60 minutes at our Culver City studio, roughly fifteen "
        "minutes from the canals."
    ),
    ("venice", "myofascial-release"): (
        "Venice has a strong yoga and movement culture, but even dedicated "
        "practitioners can end up stiff through the chest, hips and spine. "
        "Myofascial release and assisted stretching combines slow fascial work "
        "with guided stretches that go a little further than you can manage "
        "alone, always within a comfortable range. It is a good match for "
        "surfers who want more rotation and for anyone worn down by long days "
        "on hard pavement. The Culver City studio is a short trip east along "
        "Venice Boulevard, so come dressed in clothes you can move in."
    ),
    ("venice", "discovery-session"): (
        "New to us and living in Venice? Book a free 20-minute discovery "
        "session at the Culver City studio, about fifteen minutes inland. We "
        "will listen to how your body feels after surfing, skating, studio "
        "work or whatever fills your week, and point you to the service that "
        "fits best."
    ),
}
