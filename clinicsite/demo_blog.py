"""Demo blog for the fictional Saltgrass Neuromuscular Therapy clinic: categories, tags,
posts and a few readers' comments, plus the loader that `demo.load_demo` calls.

Like the rest of the demo it only creates what is missing (posts, categories and tags are
matched by slug) and never changes what exists, so running it twice is harmless. Every
person, email address and comment here is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from textwrap import dedent
from typing import Any

import sqlalchemy as sa

from clinicsite.extensions import db
from clinicsite.models import (
    Category,
    Comment,
    Post,
    PostRedirect,
    Service,
    StaffUser,
    Tag,
)


def _md(text: str) -> str:
    return dedent(text).strip() + "\n"


CATEGORIES = [
    {
        "slug": "everyday-tension",
        "name": "Everyday tension",
        "description": (
            "Notes on the neck, shoulder, back and hip tension that builds up quietly from "
            "desks, screens and long commutes."
        ),
    },
    {
        "slug": "movement-and-sport",
        "name": "Movement & sport",
        "description": (
            "Training, recovery and mobility for runners, surfers, players and anyone whose "
            "work keeps them on their feet."
        ),
    },
    {
        "slug": "pregnancy-and-life-stages",
        "name": "Pregnancy & life stages",
        "description": (
            "Comfort-focused bodywork through pregnancy, the months after birth and the "
            "changes that come with age."
        ),
    },
]

# slug -> name
TAGS = {
    "desk-work": "desk work",
    "neck-and-shoulders": "neck and shoulders",
    "self-care": "self-care",
    "first-visit": "first visit",
    "running": "running",
    "recovery": "recovery",
    "surfing": "surfing",
    "stretching": "stretching",
    "pregnancy": "pregnancy",
    "hips": "hips",
}

# status "published" with days_ago > 0: published that many days before the load;
# days_ago < 0: scheduled that many days ahead. status "draft": days_ago is None.
POSTS: list[dict[str, Any]] = [
    {
        "slug": "what-to-expect-at-your-first-visit",
        "title": "What to expect at your first visit",
        "summary": (
            "From the first question to the follow-up email, here is how a first session at "
            "Saltgrass unfolds, and how to get the most out of it."
        ),
        "seo_title": "Your first massage therapy visit at Saltgrass",
        "seo_description": (
            "What happens at a first neuromuscular therapy session in Hermosa Beach or "
            "Culver City: the conversation, the hands-on work and the aftercare note."
        ),
        "categories": ["everyday-tension"],
        "tags": ["first-visit", "self-care"],
        "services": ["discovery-session", "neuromuscular-therapy"],
        "author": "owner@example.com",
        "status": "published",
        "days_ago": 236,
        "body": _md(
            """
            A first appointment anywhere new can feel like a small leap. You are not sure what to
            wear, how much to say, or whether you are supposed to know the difference between deep
            tissue and neuromuscular work. Nobody expects you to know any of that. This post walks
            through a typical first visit at either of our studios so nothing comes as a surprise.

            ## Before you arrive

            When you book online, we ask a few short questions about what brings you in. Answer
            them in whatever words come naturally. "My right shoulder gets tight when I drive"
            tells us more than a list of muscle names ever could.

            A few practical notes:

            - Plan to arrive five to ten minutes early, especially at the Hermosa Beach studio on
              summer weekends, when parking near the pier fills up.
            - Wear or bring clothes you can move in. We may ask you to turn your head, raise your
              arms or bend forward before the hands-on part begins.
            - Skip a heavy meal in the hour beforehand if you can. Lying face down on a full
              stomach is rarely pleasant.

            ## The conversation comes first

            Every first session opens with about ten minutes of talking. Your therapist will ask
            where you feel tension, when it tends to show up, and what you have already tried.
            Expect questions about your desk, your sleep, your training and your commute, because
            those details often explain a pattern better than the tight spot itself.

            We also ask about your health history. This is not a formality. Certain medications,
            recent injuries and some conditions change how we work, and a few mean we should check
            with your doctor before going further. We will always tell you plainly if that is the
            case.

            ## The hands-on part

            After a quick look at how you stand and move, your therapist steps out while you get
            settled on the table under the sheets. Undress only to the level you are comfortable
            with; we can work around clothing.

            During the session, you are in charge of pressure. We will ask for a number on a simple
            scale and check in regularly. Speak up at any point if something feels sharp, too
            light, or simply not useful. Nobody here keeps score of how much pressure you can take.

            > The most helpful thing a new client can say is "that is a bit much." It lets us do
            > better work, not less.

            ## Afterward

            Once you are dressed, we retest the movements from the start so you can feel what
            changed, if anything did. Within a day, you will get a short email summarizing what we
            worked on and one or two things to try at home.

            Some people feel loose and sleepy afterward; others feel a little tender for a day,
            much like after a workout. Both are common. If anything feels unusual or lasts longer
            than you expect, let us know.

            ## Not sure where to begin?

            If you are still deciding whether our work suits you, the free 20-minute discovery
            session is a good first step. It is a conversation and a clothed movement check with
            one of our therapists, with no massage, no card required and no follow-up sales calls.
            """
        ),
    },
    {
        "slug": "the-afternoon-neck",
        "title": "The afternoon neck: why desk tension builds and what helps",
        "summary": (
            "Why so many desk workers feel fine at 9 a.m. and stiff by 3 p.m., and a few small "
            "changes worth trying before you book anything."
        ),
        "categories": ["everyday-tension"],
        "tags": ["desk-work", "neck-and-shoulders", "self-care"],
        "services": ["neuromuscular-therapy", "trigger-point-therapy"],
        "author": "dana@example.com",
        "status": "published",
        "days_ago": 201,
        "body": _md(
            """
            Ask a room of office workers when their neck starts to complain and most will name the
            same window: somewhere after lunch, as the second or third video call of the day wraps
            up. I hear it at both studios, from editors in Culver City and engineers in El Segundo
            alike. The timing is not a coincidence.

            ## A slow buildup, not a single event

            An adult head weighs somewhere around ten to twelve pounds. When it sits directly over
            your shoulders, the muscles along the back of your neck barely have to work. As your
            chin drifts toward a screen, those muscles start holding a load they were never meant
            to carry for hours at a time.

            No single minute of that is a problem. The trouble is the total. By mid-afternoon, the
            muscles at the top of the shoulders and the base of the skull have been on duty all day
            with few breaks, and many people feel it as stiffness, a dull ache, or tension that
            creeps toward the temples.

            ## What I look for in a session

            When a client describes an afternoon neck, I usually ask them to show me their workday
            rather than tell me about it. How high is the screen? Which hand runs the mouse? Where
            does the phone live? Then I check a few movements: turning the head, tilting it toward
            each shoulder, and reaching overhead.

            The hands-on work tends to focus on three places:

            1. **The upper trapezius and levator scapulae**, which lift and steady the shoulder
               blade and often feel like a rope running from neck to shoulder.
            2. **The small muscles under the base of the skull**, which keep your gaze level when
               your head drifts forward.
            3. **The chest and the front of the shoulders**, which quietly shorten when we round
               forward to type.

            That third area surprises people. The neck is often where the discomfort shows up, but
            the front of the body can be part of the story.

            ## Small changes that often help

            You do not need a new desk to make a difference. Try one or two of these for a couple
            of weeks and notice what changes:

            - Raise your screen so the top edge sits near eye level. A stack of books works fine.
            - Set a quiet reminder every 45 minutes to stand, roll your shoulders back, and look at
              something across the room.
            - Take calls on your feet when you can, with the phone held in front of you rather than
              pinned to your shoulder.
            - Before bed, lie on your back with a rolled towel under your neck for a few slow
              breaths.

            ## When to book, and when to call someone else

            If the stiffness eases when you move and returns on workdays, it is a good fit for
            neuromuscular therapy. Numbness, tingling down the arm, a severe headache, or pain
            after a fall or collision are different. Please see a physician first; we are glad to
            work alongside them once you have the all-clear.
            """
        ),
    },
    {
        "slug": "timing-massage-around-race-day",
        "title": "Timing massage around race day",
        "summary": (
            "Deep work the day before a race can leave your legs feeling flat. Here is how we "
            "plan sessions across a training block, from base weeks to the finish line."
        ),
        "seo_description": (
            "When to book deep tissue and sports massage before and after a race: a practical "
            "plan from a Culver City and Hermosa Beach sports massage therapist."
        ),
        "categories": ["movement-and-sport"],
        "tags": ["running", "recovery"],
        "services": ["deep-tissue-sports-massage"],
        "author": "theo@example.com",
        "status": "published",
        "days_ago": 165,
        "body": _md(
            """
            Every spring, a few runners book a firm ninety-minute session for the afternoon before
            their half marathon. I understand the instinct. You have trained for months, your
            calves feel like bricks, and you want them loosened. But deep work that close to an
            event can leave your legs feeling heavy right when you need them to feel springy.

            Good timing matters as much as good technique. Here is how I usually plan sessions for
            the runners, triathletes and volleyball players I see in Culver City and Hermosa Beach.

            ## During a normal training week

            This is where deeper, more detailed work belongs. If you are mid-block with no event
            for at least a week, we can spend real time on the hips, hamstrings, calves and feet,
            using firm pressure, cross-fiber strokes and active movement.

            Try to book on an easy day or the day before a rest day. That gives your body a day or
            two to absorb the session before your next hard workout. Many athletes settle into a
            rhythm of one visit every two to three weeks during heavy training.

            ## In the final week

            As the event gets closer, the work gets lighter and quicker. A session four to six days
            out can still include some focused attention on a stubborn spot, but we keep the
            overall intensity moderate.

            In the last two or three days, if you want anything at all, think short and brisk:

            - Thirty to forty-five minutes, not ninety
            - Quick, rhythmic strokes rather than sustained deep pressure
            - Easy range-of-motion work so you leave feeling loose and light

            And never try something new on race morning. That goes for shoes, breakfast and
            bodywork.

            ## After the finish

            For the first day or two, your muscles have plenty to deal with already. If you come
            in, we favor gentle flushing strokes, light compression and a lot of listening to what
            your legs are telling you. Once the worst soreness has passed, usually three to five
            days later, we can return to more thorough work and start preparing for whatever comes
            next.

            ## A sample plan

            Here is one way a twelve-week build toward a half marathon might look:

            1. Weeks 1 to 10: a firm session every two to three weeks, on an easy day.
            2. Week 11: a moderate session early in the week.
            3. Race week: an optional short, light session two or three days out.
            4. Three to five days after: a gentle recovery session.
            5. Two weeks after: a fuller session to take stock.

            Your plan will differ depending on your schedule and how your body responds, and we
            will adjust as we go.

            > The goal is not to make you sore. It is to help you arrive at the start line feeling
            > like yourself.

            If something feels sharp, swollen or different from ordinary training soreness, that is
            a job for a sports medicine doctor or physical therapist first. I am happy to
            coordinate with them.
            """
        ),
    },
    {
        "slug": "paddling-shoulders",
        "title": "Paddling shoulders: caring for a surfer's upper back",
        "summary": (
            "Long paddles, cold water and a laptop afterward: why surfers' shoulders and upper "
            "backs tighten, and how we approach a session for them."
        ),
        "categories": ["movement-and-sport"],
        "tags": ["surfing", "neck-and-shoulders", "stretching", "recovery"],
        "services": ["deep-tissue-sports-massage", "myofascial-release"],
        "author": "theo@example.com",
        "status": "published",
        "days_ago": 128,
        "body": _md(
            """
            Surfing looks like standing on a board. In practice, most of a session is spent lying
            on your stomach, head lifted, arms turning over and over. That is a lot of work for the
            shoulders and upper back, and for the many South Bay and Venice surfers who then drive
            to an office or open a laptop, the day often ends with the same muscles still switched
            on.

            ## Where surfers tend to tighten

            The paddling position asks you to arch your upper back and hold your head up for long
            stretches. Over months, I see the same handful of patterns:

            - **The muscles between the shoulder blades**, which work hard to hold the arched
              position
            - **The lats and the back of the shoulder**, which drive each stroke
            - **The chest and front of the shoulder**, which can shorten from both paddling and
              screen time
            - **The neck**, which spends a whole session looking toward the horizon

            Cold water adds its own twist. Many people tense up through the shoulders when they are
            chilly, and a long winter session at El Porto or the Venice breakwater can leave you
            feeling wound up before you even reach the car.

            ## What a session looks like

            For most surfers I split the time between two approaches. The first half is firm deep
            tissue and sports work on the back of the shoulder, the lats and the upper back, often
            with you moving your arm slowly while I hold pressure. The second half leans toward
            myofascial release and assisted stretching through the chest and the front of the
            shoulders, which lets you explore overhead reach and rotation again.

            If your paddling feels fine but you struggle to turn and look over your shoulder, we
            spend more time on the neck and upper back. If popping up feels sluggish, we may look
            at the hips as well. The plan follows what you notice in the water.

            ## Between sessions

            A few habits that many of my surfing clients like:

            1. Spend two minutes warming up on the sand: arm circles, a few slow push-ups, and some
               gentle trunk rotation.
            2. After you surf, lie face up on a foam roller placed along your spine and let your
               arms rest out to the sides for a minute or two.
            3. Change out of a wet wetsuit promptly on cold days so your shoulders can stop
               bracing.
            4. If you work at a desk afterward, raise your screen and take short breaks to reach
               your arms overhead.

            ## Knowing the limits

            Tight, tired shoulders are one thing. A shoulder that clicks painfully, feels weak, or
            keeps you awake at night deserves a proper assessment from a physician or physical
            therapist. I am glad to work alongside them once you know what you are dealing with.
            """
        ),
    },
    {
        "slug": "prenatal-massage-staying-comfortable",
        "title": "Prenatal massage: how we keep you comfortable",
        "summary": (
            "Side-lying positions, extra cushions and honest expectations: what a prenatal "
            "session with us looks like in the second and third trimesters."
        ),
        "categories": ["pregnancy-and-life-stages"],
        "tags": ["pregnancy", "first-visit"],
        "services": ["prenatal-massage"],
        "author": "lena@example.com",
        "status": "published",
        "days_ago": 94,
        "body": _md(
            """
            I began my career at a birth center, and the question I heard most often from expectant
            parents was a simple one: "Is it okay for me to get a massage?" For most healthy
            pregnancies, the answer is yes, with a few sensible adjustments. This post explains how
            we set up a prenatal session at Saltgrass and what you can reasonably expect from it.

            ## When to start

            We welcome prenatal clients from the second trimester onward. If you are earlier than
            that and feeling stiff or tired, a free discovery session is a lovely way to meet your
            therapist, talk through what you are feeling, and plan ahead.

            Please mention your pregnancy when you book. If your obstetrician or midwife considers
            your pregnancy high risk, or if you have swelling, persistent headaches or blood
            pressure concerns, check with them first and let us know what they suggest.

            ## Getting comfortable on the table

            Comfort is the foundation of a good prenatal session, so we spend real time on it:

            - **Side-lying is our default.** You rest on your side with a body pillow to hug, a
              cushion between your knees, and a small wedge under your belly if that feels better.
            - **We change sides partway through.** That way both hips and both sides of the back
              get attention.
            - **Semi-reclined is an option.** Some clients like to spend part of the session
              propped up, especially later in pregnancy.
            - **We avoid long stretches flat on your back,** and we keep pressure on the legs
              gentle.

            You can ask for a pause at any moment, whether for a bathroom break, a sip of water or
            simply a chance to shift position.

            ## Where the work usually goes

            As your center of gravity moves forward, many people feel it in the lower back, the
            sides of the hips and the buttocks. The upper back and neck often tighten too,
            especially once sleeping positions become limited. Feet and ankles can feel tired by
            the end of the day. We adjust the focus each time based on what you tell us at
            check-in.

            ## Honest expectations

            Many of my clients say a session helps them relax, breathe more easily and sleep a
            little better that night. That is worth a lot in a demanding season. Still, massage is
            a comfort measure. It is not a treatment for any pregnancy condition, and it does not
            replace anything your care team recommends.

            ## Practical details

            - Sessions run 60 or 75 minutes. Many people in the third trimester prefer the longer
              option, since getting settled takes a little more time.
            - The studio temperature is yours to choose. Pregnancy can make you run warm, and we
              are happy to add a fan.
            - Prenatal sessions are given only by therapists with specific prenatal training, so
              the calendar shows the times when one of them is available.

            > If you need to reschedule because your body or your baby had other plans, just tell
            > us. We understand.
            """
        ),
    },
    {
        "slug": "stiff-not-sore",
        "title": "Stiff, not sore: when myofascial release makes sense",
        "summary": (
            "If your body feels locked rather than achy, a slower session built on sustained "
            "pressure and assisted stretching may suit you better than deep work."
        ),
        "categories": ["everyday-tension", "movement-and-sport"],
        "tags": ["stretching", "hips", "desk-work", "surfing"],
        "services": ["myofascial-release"],
        "author": "lena@example.com",
        "status": "published",
        "days_ago": 57,
        "body": _md(
            """
            Some clients come in and point to a sore spot. Others describe something harder to pin
            down: hips that feel locked after a day at the desk, a back that refuses to turn,
            shoulders that seem a size too small. They are not in pain, exactly. They are stiff.
            For that second group, myofascial release and assisted stretching are often where I
            begin.

            ## What fascia is, in plain terms

            Fascia is the connective tissue that wraps and links your muscles, a bit like the thin
            film around the segments of an orange. It runs continuously through the body, which is
            one reason tension in one area can seem connected to stiffness somewhere else. When we
            move in the same few shapes all day, many people feel as though that tissue has settled
            into those shapes.

            You do not need to understand the anatomy to enjoy the session. What matters is how it
            feels: slower, quieter and more spacious than a typical deep tissue massage.

            ## How the session unfolds

            The first part happens on the table, usually with very little lotion. Instead of
            gliding strokes, I use slow, sustained pressure and gentle stretching of the skin and
            tissue, holding each position long enough for you to feel a gradual softening. It can
            feel almost too simple. Give it a few minutes.

            The second part is assisted stretching, done in loose clothing. I move and support your
            limb through its range while you breathe. Sometimes I ask you to press gently against
            my hand for a few seconds, then relax, and we explore a little further. This is often
            called contract-relax, and many people find it a comfortable way to reach a little more
            range.

            Throughout, nothing is forced. You tell me where your comfortable edge is, and we stay
            on the near side of it.

            ## Who tends to enjoy it

            - Desk workers whose hips and lower back feel rigid by evening
            - Surfers and swimmers who want easier rotation through the upper back
            - Lifters and climbers exploring range they can then strengthen in training
            - Anyone who finds firm pressure overwhelming but still wants purposeful work

            ## A simple stretch to try at home

            For tight hip flexors, kneel on a cushion with one foot planted in front of you, both
            knees bent at right angles. Tuck your tailbone slightly, as if pointing it toward the
            floor, and shift your weight forward until you feel a gentle stretch at the front of
            the back hip. Breathe slowly for five breaths, then switch sides. If your knee
            complains, add more padding or skip it and ask about alternatives at your next visit.

            ## What to bring

            Shorts and a T-shirt, or something similar you can move in. You are welcome to change
            at the studio. Plan an easy walk afterward if you can; many clients like to notice how
            their body moves once they are back on their feet.
            """
        ),
    },
    {
        "slug": "five-minute-tennis-ball-routine",
        "title": "A five-minute tennis ball routine for between visits",
        "summary": (
            "We asked Dana for the short self-care routine she shows most trigger point "
            "clients. It needs one tennis ball, a wall and five unhurried minutes."
        ),
        "categories": ["everyday-tension"],
        "tags": ["self-care", "desk-work", "neck-and-shoulders", "hips", "running"],
        "services": ["trigger-point-therapy"],
        "author": "editor@example.com",
        "status": "published",
        "days_ago": 23,
        "body": _md(
            """
            At the end of many trigger point sessions, Dana Okafor hands the client a tennis ball
            and says, "This is your homework." We asked her to walk us through the short routine
            she shows most often, so you can try it whether or not you have been in to see us yet.

            You need one tennis ball, a clear patch of wall, and about five minutes. A lacrosse
            ball is firmer and suits some people, but start with the softer option.

            ## A few ground rules

            Before you start, Dana asks everyone to keep three things in mind:

            - **Aim for a "good ache," around a 5 or 6 out of 10.** If you find yourself holding
              your breath or clenching your jaw, ease off.
            - **Go slowly.** Rolling back and forth quickly feels busy but does little. Pausing on
              a tender spot and breathing is the point.
            - **Skip anything sharp, numb or tingly.** Avoid pressing directly on the spine, on
              bony points, or on any area that is bruised or swollen.

            ## The routine

            ### Upper shoulder, against the wall (90 seconds per side)

            Stand with your back to the wall and place the ball between the wall and the top of
            your shoulder blade, just to one side of the spine. Bend your knees slightly to move
            the ball up and down until you find a tender spot. Stay there and take five slow
            breaths. Then slowly turn your head away from that side and back again, three times.

            ### Between the shoulder blades (60 seconds)

            Move the ball lower, into the space between your shoulder blade and spine. Cross your
            arms over your chest, which slides the shoulder blades apart and gives the ball better
            access. Lean in gently and breathe.

            ### Side of the hip (60 seconds per side)

            Lie on your side on the floor or lean sideways into the wall, with the ball just below
            the bony point of your hip, toward the back pocket of your jeans. This area is a
            favorite of runners and anyone who sits for long stretches. Keep breathing slowly, and
            let the muscle settle around the ball rather than pushing hard into it.

            ## When to use it

            Dana suggests once a day for a week or two, ideally after a walk or a warm shower, when
            muscles are already a bit more pliable. Many desk workers like it mid-afternoon as a
            break from the screen. Runners often prefer the evening, after the day's training is
            done.

            > "The ball is not a replacement for a session, and a session is not a replacement for
            > the ball. They work best together." (Dana)

            ## Bring your notes

            If you try the routine, jot down which spots were tender and whether that changed over
            a week. That small record helps your therapist decide where to focus next time. If a
            spot stays very sore, or the discomfort spreads or changes character, stop and check
            with a physician.
            """
        ),
    },
    {
        "slug": "bodywork-for-new-parents",
        "title": "Bodywork for new parents: the months after birth",
        "summary": (
            "Feeding, lifting and broken sleep ask a lot of a new parent's body. A few notes on "
            "when and how massage can fit into those first months."
        ),
        "categories": ["pregnancy-and-life-stages"],
        "tags": ["pregnancy", "self-care"],
        "services": ["neuromuscular-therapy", "myofascial-release"],
        "author": "lena@example.com",
        "status": "draft",
        "days_ago": None,
        "body": _md(
            """
            We often talk about pregnancy as the demanding part. Then the baby arrives, and a whole
            new set of physical habits begins: feeding in the same position many times a day,
            lifting a car seat in and out, rocking, bouncing, and sleeping in short, unpredictable
            stretches. Many new parents tell me their bodies feel more tired after the birth than
            before it.

            ## When to come back

            Every recovery is different. Please wait until you have had your postpartum check-up
            and your doctor or midwife has cleared you for massage. After a cesarean birth, we also
            ask that you let us know, so we can keep the abdomen out of the session unless your
            care team says otherwise.

            Once you are cleared, there is no rush. Some clients come back within a couple of
            months; others wait until they have a spare hour and a willing babysitter.

            ## Where new parents tend to feel it

            - **The neck and upper back,** from looking down at a feeding or sleeping baby
            - **The forearms and wrists,** from lifting and supporting a small head many times a
              day
            - **The lower back and hips,** from carrying a growing baby on one side
            - **The jaw,** which some people clench without noticing when they are short on sleep

            ## How we adapt the session

            For new parents, I often return to working face down if that is comfortable, with extra
            cushioning if feeding has made the chest tender. Side-lying remains an option for
            anyone who prefers it. Pressure tends to be moderate, and myofascial release and gentle
            neuromuscular work often suit this stage better than intense deep tissue.

            We also keep things flexible. If your partner or a family member needs to bring the
            baby to the studio for a feed partway through, tell us when you book and we will plan
            around it. The Hermosa Beach studio has a step-free entrance, which makes arriving with
            a stroller easier.

            ## Small things that can help at home

            1. Bring the baby up to you rather than leaning down, using pillows to raise your arms
               while feeding.
            2. Switch the hip you carry on, even when one side feels more natural.
            3. Take three slow breaths and let your shoulders drop every time you sit down.
            4. Lie on the floor for two minutes with your knees bent and your arms out to the
               sides.

            ## A note on expectations

            A massage will not make up for lost sleep or make a newborn any less demanding. What it
            can offer is an hour to rest, to be cared for, and to notice your own body again. For
            many parents, that alone is worth the trip.
            """
        ),
    },
    {
        "slug": "moving-comfortably-as-you-age",
        "title": "Moving comfortably through your sixties and beyond",
        "summary": (
            "Reaching a high shelf, checking a blind spot, getting up from the floor: how "
            "bodywork can support the everyday movements that matter most as we age."
        ),
        "categories": ["pregnancy-and-life-stages", "movement-and-sport"],
        "tags": ["stretching", "hips", "self-care"],
        "services": ["myofascial-release", "neuromuscular-therapy"],
        "author": "dana@example.com",
        "status": "published",
        "days_ago": -5,
        "body": _md(
            """
            Some of my favorite clients are in their sixties and seventies. They rarely come in
            with a race on the calendar. Instead, they tell me about the things they want to keep
            doing: reaching the top shelf without a stool, turning to check a blind spot on the
            405, getting down on the floor to play with a grandchild and getting back up again
            without a fuss.

            Those goals are specific, and specific goals are exactly what neuromuscular work is
            built around.

            ## What tends to change

            Everyone ages differently, and plenty of people in their seventies move more freely
            than people half their age. Still, some patterns come up often:

            - Tissue can feel less springy, so stiffness after sitting lasts a little longer.
            - Long-standing habits, like always carrying a bag on one shoulder, become more
              noticeable.
            - Recovery from a long gardening session or a weekend of travel may take an extra day.
            - Balance and confidence can dip after a period of less activity.

            None of this is a reason to stop moving. If anything, it is a reason to keep moving in
            a wider variety of ways.

            ## How I adapt a session

            Getting on and off the table should never be a struggle. We keep a sturdy step stool in
            each room, and side-lying or semi-reclined positions are always available if lying face
            down is uncomfortable.

            Pressure is usually moderate. I pay close attention to the skin, which can be more
            delicate, and to any areas affected by past surgeries or joint replacements. I also
            spend time on assisted stretching, taking the shoulders, hips and upper back gently
            through their range so you can feel where there is room to move.

            Please tell me about any medications you take, especially blood thinners, and about
            conditions such as osteoporosis. These change how firmly and where I work, and
            occasionally they mean I should check with your doctor before we begin.

            ## Three movements worth keeping

            Here are a few I suggest to many older clients, as long as their doctor or physical
            therapist has no objection:

            1. **Reach and turn.** Sitting tall in a sturdy chair, reach one arm across your body
               toward the opposite side, following your hand with your eyes. Repeat five times each
               way.
            2. **Sit to stand.** Rise from a chair without using your hands, then sit down slowly.
               Start with five and build from there.
            3. **Wall slide.** Stand with your back against a wall and slide your arms up as far as
               is comfortable, keeping your elbows and wrists near the wall.

            ## A good place to start

            If you have not had bodywork before, or it has been a while, the free discovery session
            is an easy way in. We will talk through your routine and the movements you care about,
            and suggest a plan that fits. Either studio works: the Hermosa Beach entrance is
            step-free, and the Culver City studio has an elevator.
            """
        ),
    },
]

# Readers' comments, added only together with the post they belong to. days_after counts
# from the post's publication.
COMMENTS: list[dict[str, Any]] = [
    {
        "post": "what-to-expect-at-your-first-visit",
        "name": "Marisol Vega",
        "email": "marisol.vega@example.com",
        "body": (
            "I was nervous about saying the pressure was too much, so it helped to read that "
            "it is welcome.\nMy first session with Dana went just like this, right down to the "
            "retest at the end."
        ),
        "status": "approved",
        "days_after": 4,
    },
    {
        "post": "what-to-expect-at-your-first-visit",
        "name": "Greg Halvorsen",
        "email": "greg.h@example.com",
        "body": (
            "Good call on the parking near the pier. I circled for fifteen minutes on a "
            "Saturday in July and arrived flustered. Weekday mornings are much easier."
        ),
        "status": "approved",
        "days_after": 11,
    },
    {
        "post": "timing-massage-around-race-day",
        "name": "Priya Raman",
        "email": "priya.raman@example.com",
        "body": (
            "Wish I had read this before my last half. I booked deep work two days out and my "
            "legs felt like sandbags for the first five miles.\nFollowing the sample plan for "
            "the next one."
        ),
        "status": "approved",
        "days_after": 6,
    },
    {
        "post": "prenatal-massage-staying-comfortable",
        "name": "Jess Alcott",
        "email": "jess.alcott@example.com",
        "body": (
            "The wedge under the belly made a big difference for me at 32 weeks. Lena was "
            "patient about getting the setup right before we started."
        ),
        "status": "approved",
        "days_after": 9,
    },
    {
        "post": "five-minute-tennis-ball-routine",
        "name": "Sam Whitaker",
        "email": "sam.whitaker@example.com",
        "body": (
            "Is a lacrosse ball too firm for the hip spot? I tried one and could only manage "
            "about thirty seconds before switching back to the tennis ball."
        ),
        "status": "pending",
        "days_after": 2,
    },
]


def _published_at(spec: dict[str, Any], now: datetime) -> datetime | None:
    if spec["status"] != "published":
        return None
    day = now - timedelta(days=spec["days_ago"])
    # Mid-morning in Los Angeles; with days_ago >= 1 this stays in the past.
    return day.replace(hour=17, minute=0, second=0, microsecond=0)


def _ensure(model, slug: str, **fields: Any):
    """Return (row, created) for the row with `slug`, creating it when missing."""
    row = db.session.scalar(sa.select(model).where(model.slug == slug))
    if row is not None:
        return row, False
    row = model(slug=slug, **fields)
    db.session.add(row)
    return row, True


def _post_exists(slug: str) -> bool:
    """True when a post has the slug, or had it before staff renamed the post."""
    if db.session.scalar(sa.select(Post.id).where(Post.slug == slug)) is not None:
        return True
    redirect = db.session.scalar(
        sa.select(PostRedirect.post_id).where(PostRedirect.old_slug == slug)
    )
    return redirect is not None


def load_blog_demo(now: datetime, count: Callable[[str, bool], None]) -> None:
    """Create the demo categories, tags, posts and comments that are missing.

    `now` places the posts in time (published ones `days_ago` before it, the scheduled
    one after it); `count(kind, created)` tallies the rows, as in `demo.load_demo`.
    Comments are added only for posts created by this call."""
    # Imported here, not at the top: the blog package loads its routes and everything they
    # import, which importing demo.py alone should not do.
    from clinicsite.blog import posts

    db.session.flush()

    categories = {}
    for c in CATEGORIES:
        category, new = _ensure(Category, c["slug"], name=c["name"], description=c["description"])
        categories[c["slug"]] = category
        count("categories", new)

    tags = {}
    for slug, name in TAGS.items():
        tags[slug], new = _ensure(Tag, slug, name=name)
        count("tags", new)

    wanted = {slug for p in POSTS for slug in p["services"]}
    services = {
        s.slug: s for s in db.session.scalars(sa.select(Service).where(Service.slug.in_(wanted)))
    }
    emails = {p["author"] for p in POSTS}
    authors = {
        u.email: u
        for u in db.session.scalars(sa.select(StaffUser).where(StaffUser.email.in_(emails)))
    }

    for spec in POSTS:
        comments = [c for c in COMMENTS if c["post"] == spec["slug"]]
        if _post_exists(spec["slug"]):
            count("posts", False)
            for _ in comments:
                count("comments", False)
            continue
        published_at = _published_at(spec, now)
        written_at = min(published_at, now) if published_at else now
        post = Post(
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            body=spec["body"],
            seo_title=spec.get("seo_title", ""),
            seo_description=spec.get("seo_description", ""),
            status=spec["status"],
            published_at=published_at,
            author=authors.get(spec["author"]),
            categories=[categories[slug] for slug in spec["categories"]],
            tags=[tags[slug] for slug in spec["tags"]],
            services=[services[slug] for slug in spec["services"] if slug in services],
            created_at=written_at,
            updated_at=written_at,
        )
        posts.render(post)
        db.session.add(post)
        count("posts", True)

        for c in comments:
            # Comments belong to published posts; keep them in the past all the same.
            start = published_at or now
            posted = min(start + timedelta(days=c["days_after"], hours=3), now)
            db.session.add(
                Comment(
                    post=post,
                    name=c["name"],
                    email=c["email"],
                    body=c["body"],
                    status=c["status"],
                    created_at=posted,
                    moderated_at=(
                        min(posted + timedelta(hours=5), now) if c["status"] == "approved" else None
                    ),
                )
            )
            count("comments", True)
