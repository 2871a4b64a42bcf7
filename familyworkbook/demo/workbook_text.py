"""The words of the demo Workbooks: short, analytical entries in each professional's voice.

Templates use {child}, {adult} and {worker}; the generator fills them with the family's own
names, so every entry reads as being about that family. Kept apart from the generator so the
text can be improved without touching how records are built.
"""

from __future__ import annotations

# Programme module sessions, by module slug: (what happened, what it means, what must change,
# what happens next, tools used).
MODULE_SESSIONS: dict[str, list[tuple[str, str, str, str, list[str]]]] = {
    "story": [
        (
            "{adult} and I drew the family's timeline together. {adult} linked the worst times "
            "at home to losing a job and the move two years ago.",
            "{child} has lived with two years of unsettled care; {adult} can now name this, "
            "which is a strength we can build on.",
            "{adult} needs to understand how the adults' difficulties reach {child}.",
            "I will share the timeline with the adult specialists before their first sessions.",
            ["Family timeline", "Genogram"],
        ),
        (
            "I explained again, in plain words, why we are involved. {adult} disagreed at first "
            "and then said the police call in the spring 'was the wake-up call'.",
            "{child} is safer when the adults accept there is a problem to work on.",
            "Both adults agree the worries in the plan in their own words.",
            "We will write the worries down together at the next session.",
            ["Motivational interview", "Three houses"],
        ),
    ],
    "child-needs": [
        (
            "We went through a day in {child}'s life. Breakfast and the school run are not "
            "reliable; {child} often gets themselves ready.",
            "{child} is carrying their own routine; school attendance has been falling.",
            "An adult gets {child} up and to school every day.",
            "{adult} will do the school runs; school will tell me of any absence the same day.",
            ["Day in the life", "Needs checklist"],
        ),
    ],
    "child-world": [
        (
            "I saw {child} alone at school and we did the three houses.",
            "{child} worries about the adults at home and feels responsible for them.",
            "{child} needs to be able to be a child, with adults who notice how they feel.",
            "With {child}'s agreement, I will share their words with {adult} this week.",
            ["Three houses", "Words and pictures"],
        ),
    ],
    "boundaries": [
        (
            "{adult} and I agreed a bedtime routine and wrote it on a chart for the kitchen.",
            "{child} has had no set bedtime and is tired at school.",
            "The routine is kept on at least five nights a week.",
            "{adult} keeps the chart; I will look at it with them in two weeks.",
            ["Routine planner", "Praise and rewards chart"],
        ),
    ],
    "relationships": [
        (
            "We talked about the arguments at home and what {child} sees and hears.",
            "{child} has been frightened by shouting and has started wetting the bed again.",
            "{child} must not be exposed to further abuse or conflict at home.",
            "The domestic abuse worker will start sessions with {adult} next week.",
            ["Power and control wheel", "Safety plan"],
        ),
    ],
    "substance-use": [
        (
            "We mapped when and where drinking happens, and who looks after {child} then.",
            "At weekends {child} is sometimes in the care of an adult who has been drinking.",
            "A sober adult cares for {child} at all times; a safety plan covers weekends.",
            "{adult} will see the recovery worker on Tuesday; I will review the plan then.",
            ["Drink and drug diary", "Safety plan"],
        ),
    ],
    "wellbeing": [
        (
            "{adult} talked about low mood and sleeping through the mornings.",
            "When {adult} is low, {child} misses school and meals are irregular.",
            "{adult} gets support for their mood and a back-up adult is named.",
            "The mental health practitioner will see {adult}; the GP appointment is booked.",
            ["Wellbeing plan", "Scaling questions"],
        ),
    ],
    "network": [
        (
            "We drew the family network. Two relatives could help with school runs and weekends.",
            "{child} has people who love them and could step in when things are hard.",
            "The network agrees who does what, and knows the worries.",
            "A network meeting is planned; the family group conference is being considered.",
            ["Network map", "Safety plan"],
        ),
    ],
}

# A specialist's session, by chapter: (what happened, what it means, next, shared summary,
# confidential detail).
SPECIALIST_SESSIONS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "da_survivor": [
        (
            "Session with {adult} on what has happened in the relationship and the safety plan.",
            "{adult} now names the abuse and sees how it frightens {child}.",
            "We will review the safety plan at the next session in two weeks.",
            "{adult} is engaging well; the safety plan has been updated.",
            "",
        ),
        (
            "We worked through the Freedom Programme material on the effects on children.",
            "{adult} linked {child}'s bed-wetting with the arguments; that insight protects "
            "{child}.",
            "Next session: sources of support and the network.",
            "{adult} attended and is making progress with the programme.",
            "",
        ),
    ],
    "da_perpetrator": [
        (
            "Session with {adult} on the behaviour change programme: taking responsibility.",
            "{adult} still minimises what {child} has seen; the risk to {child} remains.",
            "The next session will look at the effect on children, using {child}'s words.",
            "{adult} attended; engagement is partial and risk remains.",
            "",
        ),
    ],
    "substance_misuse": [
        (
            "Recovery session with {adult}: the week's drinking diary and triggers.",
            "Fewer drinking days means more mornings when {child} gets to school on time.",
            "Next session in a week; we will agree a reduction target.",
            "{adult} is attending and reducing; testing is consistent with what they tell us.",
            "Hair strand test in the range for regular use, lower than last quarter; "
            "prescribing review with the GP.",
        ),
        (
            "Relapse prevention work with {adult} after a difficult weekend.",
            "A lapse at the weekend meant {child} stayed with their grandparent, as the safety "
            "plan says; the plan worked.",
            "We will see each other twice this week.",
            "{adult} had a lapse and used the safety plan; they remain engaged.",
            "",
        ),
    ],
    "mental_health": [
        (
            "Session with {adult} on mood, sleep and a plan for the difficult mornings.",
            "When {adult} is low {child} misses school; a plan for those days protects {child}.",
            "Next session in two weeks; liaison with the GP about medication.",
            "{adult} is engaging; mood is a little better and the morning plan is in place.",
            "PHQ-9 score 14, down from 19; sertraline dose under review by the GP.",
        ),
    ],
    "psychology": [
        (
            "Consultation with the team about {child}'s attachment and the family's story.",
            "{child}'s behaviour at school makes sense as a response to unpredictable care.",
            "A formulation will be shared at the next group case supervision.",
            "Formulation shared with the team.",
            "",
        ),
    ],
}

CHILD_WORDS = [
    "I like it when mum picks me up from school.",
    "When they shout I go to my room and put my headphones on.",
    "I want dad to stop drinking so we can go to the park again.",
    "My bedtime is half seven now and I have a story.",
    "I'm not worried as much now.",
    "I miss my nan. I want to see her on Sundays.",
    "Home is OK. Sometimes it's loud.",
    "I made the cereal for my brother again.",
]

VISIT_TEXT = [
    (
        "Home visit. {child_list} at home with {adult}. The house was warm and there was food "
        "in the fridge.",
        "Home conditions are good enough today; {child} was relaxed with {adult}.",
        "Next statutory visit within timescale; the core group will review the plan.",
    ),
    (
        "Unannounced home visit after school. {child_list} were watching television; {adult} "
        "was cooking tea.",
        "The routine we agreed is in place; {child} said bedtime is working.",
        "I will visit again within the plan's timescale and see {child} alone at school.",
    ),
    (
        "Planned visit. {adult} was tired and the house was untidy; {child_list} had eaten.",
        "{child}'s care is adequate but fragile when {adult} is low.",
        "I will check with the mental health practitioner and school this week.",
    ),
]
NOT_SEEN = (
    "Planned visit: nobody answered the door. I left a card and rang {adult}.",
    "We have not seen {child} as planned; this is a worry until we do.",
    "I will return tomorrow and ask school to tell me if {child} is not in.",
)

DIRECT_WORK = [
    (
        "Direct work with {child} at school using words and pictures.",
        "{child} is beginning to trust adults outside the family.",
        "I will see {child} again in three weeks, with the same activity.",
    ),
    (
        "Life story work with {child}: the people who matter to them.",
        "{child} has a clear picture of who keeps them safe.",
        "The worker will share {child}'s picture with the network, with their agreement.",
    ),
]

SIGNIFICANT = {
    "not_seen": "Child not seen at a planned visit",
    "disclosure": "Disclosure by {child} at school",
    "police": "Police called to the home",
    "relapse": "Relapse reported by {adult}",
    "engaged": "{adult} began work with the {role}",
    "completed": "{adult} completed the programme module on {module}",
}

WORRIES = [
    "{child} is exposed to arguments and violence between the adults.",
    "Drinking at weekends means {child} is sometimes cared for by an adult who is drunk.",
    "{child}'s school attendance has fallen below 85%.",
    "When {adult} is low, nobody notices if {child} has eaten.",
    "{child} has missed health appointments.",
]
STRENGTHS = [
    "{adult} loves {child} and wants things to be different.",
    "{child} goes to school most days and has a good friend there.",
    "Grandparents live nearby and help with school runs.",
    "{adult} has kept every appointment with the specialists.",
]
PROTECTIVE = [
    "A grandparent who can take {child} at short notice.",
    "{child}'s teacher knows the worries and tells us of any absence.",
]
MUST_CHANGE = [
    "{child} must not see or hear abuse at home.",
    "A sober adult must care for {child} at all times.",
    "An adult must get {child} to school every day.",
]
PRIORITIES = {
    "da": ("Domestic abuse in the home", "The adults' relationship frightens {child}."),
    "substance": ("Drinking and drug use", "Care is unreliable when {adult} is using."),
    "mental_health": ("{adult}'s mental health", "{child} misses school on the bad days."),
    "routine": ("Routines and school attendance", "{child}'s attendance is falling."),
}

GOALS_ADULT = {
    "da": (
        "Keep {child} safe from arguments and abuse",
        "No police call-outs; {child} says home feels calm.",
    ),
    "substance": (
        "Stay sober while caring for the children",
        "Tests and diaries show no drinking on caring days.",
    ),
    "mental_health": ("Look after my mental health", "Up and dressed by 8 most mornings."),
    "routine": ("Get the children to school every day", "Attendance above 95% this term."),
}
GOAL_CHILD = [
    ("Go to school every day", "{child} is at school and on time most days."),
    ("Feel safe at home", "{child} says home feels calm."),
    ("See nan every Sunday", "Contact with nan happens weekly."),
]
ACTIONS = [
    ("Attend every session with the specialist", "{adult}"),
    ("Agree the weekend safety plan with the network", "Social worker"),
    ("Tell school about any absence the same day", "{adult}"),
    ("Book the GP appointment", "{adult}"),
]
RATING_NOTES = ["Going better this month.", "Harder weeks lately.", "Steady.", ""]

STAGE_RATIONALE = {
    "precontemplation": "{adult} does not see a problem and blames others.",
    "contemplation": "{adult} says 'maybe it is a problem' but is not ready to act.",
    "preparation": "{adult} has agreed to start work with the specialist.",
    "action": "{adult} is attending sessions and has made changes we can see.",
    "maintenance": "Changes have lasted more than six months.",
    "relapse": "A return to old patterns after a difficult month; still engaged.",
}
BALANCE = (
    "It's what I know; nobody tells me what to do.",
    "The children are scared; social services are involved.",
    "The children would be happier; I would feel better.",
    "It's hard; I would lose some friends.",
)
SCALING_QUESTION = "On a scale of 0 to 10, how safe do the children feel at home?"
