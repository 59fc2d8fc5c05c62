//! The built-in ruleset. Patterns run on normalised text (lowercase, no
//! apostrophes: "im", "dont", "ive", "ill"; see `normalize`).
//!
//! A rule fires on first-person (or explicit third-party) statements, never
//! on a topic word alone: "suicide" in a news story or a support question
//! fires nothing. Each rule says how it may be suppressed: by a negation just
//! before it ("im not going to..."), by a past or recovery context in its
//! sentence ("two years ago...", "six months clean"), or by its own guard
//! (idioms such as "die of embarrassment", accidents such as "cut myself
//! shaving").

use crate::Level;

/// How a rule's match counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A risk signal at the rule's level.
    Signal,
    /// A weak farewell ("thanks for everything", "look after my cat"):
    /// crisis when two appear, or one beside any other risk signal.
    WeakFarewell,
}

#[derive(Debug, Clone, Copy)]
pub struct RuleDef {
    pub id: &'static str,
    pub level: Level,
    pub kind: Kind,
    pub description: &'static str,
    pub pattern: &'static str,
    /// Suppress when the sentence matches this.
    pub guard: Option<&'static str>,
    /// A negation just before the match suppresses it.
    pub negatable: bool,
    /// A past or recovery context in the sentence suppresses it.
    pub past_sensitive: bool,
    /// Fires only beside another risk signal in the post, or a "right now"
    /// context in its sentence (for ambiguous phrases like "end it").
    pub needs_support: bool,
}

const fn signal(
    id: &'static str,
    level: Level,
    description: &'static str,
    pattern: &'static str,
) -> RuleDef {
    RuleDef {
        id,
        level,
        kind: Kind::Signal,
        description,
        pattern,
        guard: None,
        negatable: true,
        past_sensitive: true,
        needs_support: false,
    }
}

impl RuleDef {
    const fn guard(mut self, guard: &'static str) -> Self {
        self.guard = Some(guard);
        self
    }
    const fn not_negatable(mut self) -> Self {
        self.negatable = false;
        self
    }
    const fn any_time(mut self) -> Self {
        self.past_sensitive = false;
        self
    }
    const fn needs_support(mut self) -> Self {
        self.needs_support = true;
        self
    }
    const fn weak_farewell(mut self) -> Self {
        self.kind = Kind::WeakFarewell;
        self
    }
}

/// Ways of saying "kill myself", as one regex alternation.
macro_rules! self_kill {
    () => {
        r"(?:kill(?:ing)? my ?self|k ?m ?s\b|top(?:ping)? my ?self|off(?:ing)? my ?self|unaliv(?:e|ing)(?: my ?self)?|end(?:ing)? (?:it all|my (?:own )?life|my life|everything|my existence)|tak(?:e|ing) my (?:own )?life|hang(?:ing)? my ?self|commit(?:ting)? (?:suicide|sewer ?slide)|do(?:ing)? my ?self in|(?:suicide|sewer ?slide))"
    };
}

/// Third parties a member may report about.
macro_rules! someone {
    () => {
        r"(?:friend|mate|bestie|bff|best friend|partner|boyfriend|girlfriend|bf|gf|husband|wife|fiance|fiancee|son|daughter|sister|brother|sibling|mum|mom|mam|dad|father|mother|flatmate|roommate|housemate|cousin|colleague|coworker|kid|child|teen|nephew|niece|uncle|aunt|auntie|neighbour|neighbor|classmate|student|ex)"
    };
}

const NOW: &str = r"\b(?:tonight|right now|now|today|this (?:evening|afternoon|morning)|in (?:a|an) (?:few )?(?:hours?|minutes?)|before (?:morning|midnight|dawn)|when (?:everyone|they|the house|my \w+) (?:is|are|goes|go|has gone|have gone)? ?(?:asleep|to (?:bed|sleep)|out|gone))\b";

pub const RULES: &[RuleDef] = &[
    // ---- crisis -------------------------------------------------------
    signal(
        "crisis.intent",
        Level::Crisis,
        "states an intent to end their life",
        concat!(
            r"\b(?:im going to|im gonna|i am going to|gonna|going to|ill|i will|i shall|ive decided to|i have decided to|decided to|i plan to|im planning to|planning to|im about to|about to|im ready to|ready to|tonight i|today i|tonight is the night i|this is the night i)\s+(?:just |finally |actually |definitely |really )?",
            self_kill!(),
        ),
    )
    .guard(r"\b(?:could|would) (?:\w+ )?kill my ?self (?:for|if|over|laughing)|\b(?:lol|lmao|haha|jk|joking)\b|kill my ?self laughing|game|film|movie|book|character|episode|squad|career|social suicide|political suicide"),
    signal(
        "crisis.intent-vague",
        Level::Crisis,
        "says they will 'end it', 'do it' or 'go through with it'",
        r"\b(?:im going to|im gonna|i am going to|gonna|going to|ill|i will|ive decided to|decided to|im about to|about to|im ready to|ready to|finally going to)\s+(?:just |finally |actually )?(?:end it|do it|go through with it|jump|take them all|take all of them|take the lot|overdose|od\b|stop my heart)",
    )
    .guard(r"\bend it with (?:him|her|them)\b|relationship|breakup|break up|bungee|parachute|skydiv|pool|puddle|gym|exam|essay|assignment|job|tattoo|dye|haircut|diet|marathon|run|interview|presentation|deadline|quit|the call|the meeting")
    .needs_support(),
    signal(
        "crisis.timed-thoughts",
        Level::Crisis,
        "suicidal thoughts tied to tonight or now",
        concat!(r"\b(?:want|wanna|need|going|gonna|plan|planning) (?:to )?", self_kill!(), r"[^.!?\n]{0,40}\b(?:tonight|right now|today|when everyone(?:s| is)? (?:asleep|in bed|out))\b"),
    ),
    signal(
        "crisis.means-ready",
        Level::Crisis,
        "has the means ready (pills counted out, saved up, a rope)",
        r"\b(?:counted out|counting out|saved up|saving up|stockpil\w*|hoard\w*|lined up|laid out|set out|got enough|have enough|bought enough|enough)\b[^.!?\n]{0,30}\b(?:pills|tablets|meds|medication|paracetamol|painkillers|co-?codamol|sleeping pills|antidepressants|sertraline|insulin|rope|ligature|blades?)\b|\b(?:pills|tablets|meds|paracetamol|painkillers|rope|noose|ligature)\b[^.!?\n]{0,30}\b(?:counted out|lined up|laid out|in front of me|next to me|ready|in my hand|tied)\b|\b(?:tied|made|bought) (?:a |the )?(?:noose|rope)\b",
    )
    .guard(r"\b(?:collection|collect|pharmacy|chemist|prescription ready|pick(?:ed)? up|dosette|pill organi[sz]er|weekly box|for the week|enough sleep|enough money|not enough|camping|climbing|boat|washing line|dog lead)\b"),
    signal(
        "crisis.place",
        Level::Crisis,
        "is at a bridge, railway, cliff, roof or ledge",
        r"\b(?:im|i am|sitting|sat|standing|stood|waiting|here|stuck|climbed)\b[^.!?\n]{0,25}\b(?:on|at|by|near|under|over|off|onto|up on|on top of|the edge of)\s+(?:the |a |this )?(?:bridge|railway bridge|motorway bridge|railway|rail line|train tracks|tracks|level crossing|platform edge|cliff(?: edge)?|cliffs|roof|rooftop|top floor|ledge|multi-?storey|car park roof|edge)\b",
    )
    .guard(r"\b(?:commute|commuting|delayed|cancelled|late|photo|view|sunset|walk(?:ing)? the dog|holiday|trip|hike|hiking|fishing|work|office|roofer|roofing|gutter|scaffold|leak|tiles|selfie|tourist)\b")
    .needs_support(),
    signal(
        "crisis.act-done",
        Level::Crisis,
        "has just taken an overdose or harmed themselves badly",
        r"\b(?:ive|i have|i just|just|i already|already|i)\s+(?:just |already )?(?:taken|took|swallowed|necked|downed|had)\s+(?:\w+ ){0,3}?(?:overdose|an od|(?:all|the whole|a whole|the entire|a full|every|loads of|a load of|a lot of|lots of|too many|a handful of|\d{2,}) (?:\w+ )?(?:pills|tablets|paracetamol|painkillers|meds|packets?|boxes|bottles?|of them|my meds|my prescription)|them all|all of them|the lot|everything in the (?:cupboard|cabinet|drawer))\b|\b(?:ive|i have|i|just)\s+(?:just |already )?(?:overdosed|od(?:d|ed)|cut too deep|slit my wrists?|cut my wrists?)\b",
    )
    .guard(r"\baccident(?:al(?:ly)?)?\b|by mistake|double dosed|vitamins|ibuprofen for|for my (?:headache|migraine|period|back)"),
    signal(
        "crisis.bleeding",
        Level::Crisis,
        "bleeding that will not stop",
        r"\b(?:bleeding|blood|the cut|cuts|it|wound)\b[^.!?\n]{0,20}\b(?:wont|will not|doesnt|does not|isnt|is not|cant|cannot|wouldnt|would not)\s+stop(?:ping)?\b|\bcant stop the bleeding\b|\btoo much blood\b|\bcut (?:way )?too deep\b|\bneeds? stitches\b",
    )
    .guard(r"\b(?:nose|nosebleed|period|gums?|tooth|teeth|dentist|paper cut|finger|shaving|kitchen|cooking|dog|cat)\b")
    .not_negatable(),
    signal(
        "crisis.farewell",
        Level::Crisis,
        "a farewell or last post",
        r"\bthis (?:is|will be) (?:my|the) (?:last|final) (?:post|message|goodbye|time (?:im|i am|ill be) (?:posting|writing|here|on here))\b|\bby the time (?:you|anyone|someone|they|people) (?:read|reads|see|sees|find|finds) this\b|\b(?:wont|will not|wouldnt) be (?:around|here|alive|with you) (?:much longer|for much longer|for long|anymore|any more|after (?:tonight|today|this)|by (?:tomorrow|morning|the weekend|the end of (?:the|this) week)|to see)\b|\bits been (?:nice|lovely|good|an honour) knowing (?:you|everyone|you all)\b|\b(?:goodbye|bye) (?:forever|for good|for the last time|cruel world)\b|\b(?:ive|i have|i) (?:written|wrote|left|finished) (?:my |a |the )?(?:suicide )?(?:notes?|letters?|goodbye (?:notes?|letters?))(?: (?:to|for) (?:my|everyone|them))?\b|\bthis is goodbye\b|\bsee you (?:all )?(?:on the other side|in (?:the )?next life)\b|\bi(?:ll| will) be (?:with|seeing) (?:my )?(?:nan|nanna|gran|grandad|grandma|mum|dad|brother|sister|son|daughter) (?:again )?soon\b",
    )
    .guard(r"\b(?:holiday|vacation|trip|break|hiatus|exams?|offline|camping|festival|wedding|moving|new job|for a while|for a few (?:days|weeks)|back (?:soon|next|on|in)|logging off|of the (?:day|night|year)|signing off for|going away|phone|signal|wifi|until|chapter|season|episode|series)\b")
    .not_negatable()
    .any_time(),
    signal(
        "crisis.giving-away",
        Level::Crisis,
        "giving their things or pets away",
        r"\bgiv(?:e|ing|en) (?:away )?(?:all )?(?:of )?(?:my|away my) (?:things|stuff|belongings|possessions|cat|dog|pets?|clothes|games|books|guitar|savings)(?: away)?\b|\b(?:who|someone) (?:will|can|could) (?:have|take|look after) my (?:cat|dog|pets?|things|stuff)\b",
    )
    .guard(r"\b(?:while i|when im away|on holiday|in hospital|declutter\w*|charity shop|spring clean|car boot|moving (?:house|out|abroad)|allerg\w*|landlord|rehom\w*|new baby|outgrown|too small|upgrade|ebay|vinted|selling|sold)\b")
    .needs_support(),
    signal(
        "crisis.third-party",
        Level::Crisis,
        "someone else intends to end their life or is in immediate danger",
        concat!(
            r"\b(?:my|our|a|her|his|their)\s+(?:\w+ )?",
            someone!(),
            r"\b[^.!?\n]{0,90}\b(?:going to|gonna|about to|plans? to|planning to|wants to|will|is going to|(?:said|says|told me|texted|messaged|posted) (?:that )?(?:she|he|they)(?:ll| will| would| is going to| are going to| was going to| were going to|s going to|re going to|s gonna))\s+(?:\w+ )?(?:kill (?:him|her|them)(?:self|selves)|end (?:his|her|their) (?:own )?life|end it(?: all)?|take (?:his|her|their) (?:own )?life|hang (?:him|her|them)self|jump|overdose|od\b|do it|unalive)",
        ),
    )
    .guard(r"\b(?:died|passed away|funeral|years ago|last year|anniversary|in the (?:film|book|show|game)|character)\b"),
    signal(
        "crisis.third-party-act",
        Level::Crisis,
        "someone else has taken an overdose or is at a bridge or railway",
        concat!(
            r"\b(?:he|she|they|my (?:\w+ )?",
            someone!(),
            r")\s+(?:has|have|just|already|is|are|s|re)?\s*(?:just |already )?(?:taken|took|swallowed|had)\s+(?:an? )?(?:overdose|od|(?:all|loads of|a lot of|lots of|a handful of|too many|a whole (?:box|packet) of) (?:\w+ )?(?:pills|tablets|paracetamol))\b|\b(?:he|she|they|my (?:\w+ )?",
            someone!(),
            r")\s+(?:is|are|s|re) (?:on|at|standing on|sitting on) (?:the |a )?(?:bridge|roof|ledge|tracks|railway|cliff)\b|\b(?:he|she|they|my (?:\w+ )?",
            someone!(),
            r")\s+(?:has|have|just)?\s*(?:overdosed|od(?:d|ed)|cut (?:him|her|them)self (?:badly|deep|really bad))\b",
        ),
    )
    .guard(r"\b(?:years ago|last year|when (?:i|he|she|they) (?:was|were) (?:little|young|a kid|younger)|in the (?:film|book|show|game)|character|died|passed away|funeral)\b"),
    // ---- high ---------------------------------------------------------
    signal(
        "high.wants-to-die",
        Level::High,
        "wants to die or to end their life",
        concat!(
            r"\b(?:i |i just |i really |i honestly |just |really |honestly )?(?:want|wanna|wanted|wish i could|need|needed|feel like|felt like|tempted|long) (?:to )?(?:just )?(?:die|be dead|",
            self_kill!(),
            r"|overdose|jump off|jump in front)",
        ),
    )
    .guard(r"\bdie (?:of|from|laughing|for)\b|\bdying (?:to|for)\b|\bwanted to die (?:when|at|after) (?:i|the|my|he|she)\b|\bto die for\b|\b(?:embarrass\w*|cringe|awkward|mortif\w*|humiliat\w*)\b|\b(?:character|game|film|movie|book|song|lyric)\b"),
    signal(
        "high.suicidal",
        Level::High,
        "says they are suicidal or having suicidal thoughts",
        r"\b(?:im|i am|i feel|i felt|i was|ive been|i have been|feeling|felt|been|being|getting|so|really|very|extremely|quite|a bit|pretty|still|actively|passively)\s+(?:\w+ )?(?:suicidal|sewer ?slidal)\b|\b(?:my )?(?:suicidal|suicide) (?:thoughts|feelings|ideation|urges|thinking)\b[^.!?\n]{0,40}\b(?:again|tonight|today|right now|lately|at the moment|recently|back|loud|bad|worse|constant|every day|all day|wont stop|getting)\b|\b(?:im|i am|ive been|been|keep|i keep|cant stop|constantly|always) (?:having )?(?:thinking|thoughts) (?:about|of) (?:suicide|killing my ?self|ending (?:it|it all|my life|things)|taking my (?:own )?life|dying|death|not being here|unaliving|sewer ?slide)\b|\bthoughts of (?:suicide|killing my ?self|ending (?:it|my life)|taking my (?:own )?life)\b",
    )
    .guard(r"\bhow (?:do|can|should) (?:you|i|we) (?:help|support)\b|\b(?:friend|partner|son|daughter|sister|brother|mum|dad|character|patients?|clients?|students?)(?:s)? (?:is|are|was|were|has been|have been|feels?) suicidal\b|\b(?:awareness|prevention|statistics|research|article|documentary|training|course|webinar)\b"),
    signal(
        "high.self-kill",
        Level::High,
        "talks of killing themselves",
        concat!(r"\b", self_kill!(), r"\b"),
    )
    .guard(r"\b(?:could|would) (?:\w+ )?kill my ?self (?:for|if|over|laughing)|kill my ?self laughing|\b(?:lol|lmao|haha|jk|joking|kidding)\b|career suicide|social suicide|political suicide|suicide squad|suicide (?:prevention|awareness|rates?|statistics|bombers?|doors|run|king|mission)|\b(?:film|movie|book|character|episode|game|song|lyrics?|article|documentary|news|research|study|training)\b|\b(?:lost|losing) (?:\w+ ){0,3}to suicide\b|\bdied by suicide\b|\b(?:he|she|they|his|her|their) (?:took|take) (?:his|her|their)|\bcommitted suicide\b|\bsuicide (?:of|note of)\b|\b(?:help|support|supporting|helping) (?:someone|a friend|people|others)\b|\bwhat (?:to|do you) (?:say|do)\b")
    .needs_support(),
    signal(
        "high.self-harm",
        Level::High,
        "is self-harming now or has urges to",
        r"\b(?:ive|i have|i|im|i am|been|started|starting|keep|kept|still|back to|gone back to|went back to)\s+(?:\w+ ){0,2}?(?:cutting(?: my ?self)?|cut my ?self|cut again|self[- ]?harm(?:ing|ed)?|harming my ?self|hurting my ?self|hurt my ?self|burning my ?self|burnt my ?self|burned my ?self|scratching my ?self|hitting my ?self|punching (?:walls|my ?self)|sh(?:ing|d|ed|-?ing)?)\b|\b(?:urges?|tempted|want|wanting|craving|cravings|close|close to|itching)\s+(?:to\s+)?(?:cut|self[- ]?harm|sh|hurt my ?self|harm my ?self|burn my ?self|relapse)\b|\brelaps(?:ed|e|ing)\b[^.!?\n]{0,30}\b(?:self[- ]?harm|cutting|sh|cut)\b|\b(?:self[- ]?harm|cutting|sh|sh-ing)\b[^.!?\n]{0,20}\brelaps(?:ed|e)\b|\b(?:cut|shed|sh|self[- ]?harmed)\s+(?:again|last night|tonight|today|this morning|yesterday|earlier)\b",
    )
    .guard(r"\b(?:shaving|cooking|chopping|kitchen|paper|by accident|accidentally|gym|running|football|fell|falling|tripped|slipped|lifting|injury|sprain\w*|ankle|knee|hamstring|playing|cut (?:my|the|his|her) (?:hair|fringe|nails)|cut back|cut down|cut (?:out|off)|hair ?cut)\b"),
    signal(
        "high.method-seeking",
        Level::High,
        "asks about methods or lethal amounts",
        r"\bhow (?:many|much) (?:\w+ ){0,2}?(?:pills|tablets|paracetamol|painkillers|mg|insulin|sleeping pills)\b[^.!?\n]{0,40}\b(?:kill|die|fatal|lethal|overdose|od|not wake up|never wake up|end it|be enough to)\b|\b(?:lethal|fatal) (?:dose|amount)\b|\b(?:painless|quickest|easiest|best|surest|quick|easy) (?:way|method) to (?:die|kill my ?self|end (?:it|my life)|go|do it)\b|\bhow (?:long|quickly) (?:does it|would it|will it) take to (?:die|bleed out)\b|\bhow to (?:kill my ?self|end my life|hang my ?self|overdose|od)\b",
    )
    .guard(r"\b(?:dog|cat|pet|puppy|kitten|horse|rabbit|for a (?:headache|migraine|cold|fever)|safely|max(?:imum)? dose|safe dose)\b"),
    signal(
        "high.attempt",
        Level::High,
        "says they tried to end their life",
        concat!(r"\b(?:i|ive|i have|i just|just)\s+(?:\w+ )?(?:tried|attempted|tried to|attempted to)\s+(?:to )?(?:", self_kill!(), r"|suicide)"),
    )
    .guard(r"\b(?:before|previously|once|years? ago|months ago|in (?:19|20)\d\d|when i was|as a (?:teen|teenager|kid|child)|survivor|survived)\b"),
    signal(
        "high.recurrence",
        Level::High,
        "suicidal thoughts or self-harm urges are coming back",
        r"\b(?:those|the|suicidal|dark|same|old) (?:thoughts|feelings|urges) (?:are|have|keep) (?:come |coming )?(?:back|returning|creeping back)\b|\bfeeling (?:that|the same) way again\b|\bstarting to (?:feel|think) (?:like )?that (?:way )?again\b|\b(?:thoughts|urges) (?:are |have )?(?:started )?(?:creeping|coming) back\b|\bback to (?:feeling )?(?:suicidal|where i was)\b|\b(?:slipping|sliding) back (?:into|to) (?:that|the same|old)\b",
    )
    .any_time(),
    // ---- concern ------------------------------------------------------
    signal(
        "concern.hopeless",
        Level::Concern,
        "hopelessness or not being able to go on",
        r"\b(?:whats|what is) (?:even )?the point(?: (?:of|in) (?:anything|living|life|going on|carrying on|trying|it all|me|being here))?\b|\bno (?:point|reason) (?:in |to )?(?:living|anything|going on|carrying on|being alive|trying|to live|to go on|being here)\b|\b(?:feel(?:ing)?|im|i am|so|completely|totally|just) hopeless\b|\bno hope\b|\bnothing (?:will|is going to|ever) (?:gets? )?better\b|\bit (?:will never|wont ever|never) get(?:s)? better\b|\bgiv(?:e|ing) up on (?:life|everything|my ?self)\b|\bcant (?:go on|do this any ?more|take (?:it|this|much more)(?: any ?more)?|cope any ?more|keep going|carry on|see a way out|see a future|see the point|do it any ?more)\b|\bno way out\b|\bno future\b|\bready to give up\b",
    )
    .guard(r"\b(?:of|in) (?:this|that|the) (?:rule|thread|post|app|update|meeting|change|feature|game|show|film|argument)\b|\bweather\b"),
    signal(
        "concern.burden",
        Level::Concern,
        "feels a burden; others would be better off without them",
        r"\bbetter off without me\b|\b(?:im|i am|feel like|feel|i feel like) (?:just |such |nothing but )?(?:a |such a )?burden\b|\bno ?one would (?:care|notice|miss me)\b|\bnobody (?:would|will) (?:care|notice|miss me)\b|\bwouldnt (?:even )?(?:notice|care|miss me) if i (?:was|were|wasnt|werent) (?:gone|here|around)\b",
    ),
    signal(
        "concern.passive-wish",
        Level::Concern,
        "wishes not to exist or not to wake up",
        r"\b(?:wish|hope|pray|praying)\s+(?:i\s+)?(?:could\s+)?(?:just\s+)?(?:(?:dont|do not|didnt|wouldnt|never|wont) wake up|disappear(?: forever)?|stop existing|not exist|not be here|wasnt here|werent here|wasnt alive|was dead|were dead|was never born|hadnt been born|fall asleep (?:and|forever)|sleep forever|vanish|wasnt around|could sleep forever)\b|\b(?:dont|do not) want to (?:be here|exist|be alive|wake up|live|go on|be around)(?: any ?more)?\b|\b(?:go to sleep|fall asleep) and (?:never|not) wake up\b|\b(?:tired|sick) of (?:living|being alive|life|existing)\b|\bbetter off dead\b|\bwant(?:ed)? (?:it|everything|the pain) to (?:stop|end|be over)\b|\b(?:sleep|go to sleep) forever\b|\bcease to exist\b|\bdont care if i die\b|\bwouldnt mind (?:if i )?(?:dying|not waking up|if i died)\b",
    )
    .not_negatable(),
    signal(
        "concern.distress",
        Level::Concern,
        "describes current distress",
        r"\b(?:im|i am|i feel|feeling|been feeling|ive been|so|completely|totally)\s+(?:so |really |just |completely |totally )?(?:worthless|empty|numb|broken|desperate|trapped|hollow|miserable|useless|unbearable|in so much pain|at breaking point|falling apart|drowning)\b|\bcry(?:ing)? (?:every ?day|all the time|my ?self to sleep|constantly|non ?stop)\b|\b(?:falling apart|breaking down|at breaking point|hit rock bottom|rock bottom|end of my tether|end of my rope|hate my ?self|hate my life|hate being alive|cant breathe|spiralling|spiraling)\b",
    )
    .guard(r"\b(?:phone|battery|laptop|car|printer|wifi|team|football|match|game)\b"),
    // ---- weak farewells (crisis only in combination) ------------------
    signal(
        "farewell.weak",
        Level::Crisis,
        "a goodbye, thanks or request that may be a farewell",
        r"\bthank you (?:all )?for everything\b|\bthanks (?:all )?for everything\b|\b(?:goodbye|bye) (?:everyone|all|guys|everybody|friends)\b|\bim sorry for everything\b|\btell (?:my |them |her |him )?(?:family |mum |dad |kids |parents )?(?:i love (?:them|her|him|you)|im sorry)\b|\b(?:look after|take care of) (?:my (?:cat|dog|kids|mum|family|pets?|boy|girl)|each other|yourselves)(?: for me| when im gone)?\b|\bwhen im gone\b|\bdont be sad\b|\bi love you all\b|\bim at peace\b|\bfinally (?:be )?free\b|\bno more pain soon\b|\bput my affairs in order\b|\bsorted (?:out )?my (?:will|affairs)\b|\bgoodbye\b",
    )
    .guard(r"\b(?:feeling (?:much |so |a lot )?better|doing (?:well|better|ok|okay)|recovered|recovering|saved my life|so grateful|grateful|happy|got the job|passed|new job|moving (?:house|to|on)|see you (?:around|soon|next|tomorrow|later)|back soon|until next time|for now|later|holiday|trip|taking a break|off to|goodbye to (?:my|the) (?:old|job|house|flat)|said goodbye|saying goodbye|say goodbye|goodbye (?:to|from) (?:my|the|her|him|them|mum|dad)|funeral)\b")
    .not_negatable()
    .any_time()
    .weak_farewell(),
];

/// A negation right before a match ("im not going to", "i would never").
pub const NEGATION: &str = r"\b(?:not|never|no longer|dont|do not|didnt|did not|wont|will not|wouldnt|would not|havent|have not|hasnt|isnt|arent|no (?:plans?|intention|thoughts?|urges?) (?:to|of)|nor|without)\b";

/// Negations that do not negate ("not sure if i want to die").
pub const NOT_NEGATING: &str = r"\b(?:not sure|not certain|not safe|dont know|do not know|didnt know|not able to stop|cant stop|cannot stop|couldnt stop|not stop|wont stop|dont think i can (?:stop|keep)|not strong enough|no longer (?:able|care|want to (?:live|be here))|not scared|dont care)\b";

/// A past or recovery context in the sentence.
pub const PAST: &str = r"\b(?:(?:\d+|a few|a couple of|couple|few|two|three|four|five|six|seven|eight|nine|ten|many|several|some) (?:years?|yrs?|months?|weeks?) ago|years ago|used to|use to|when i was (?:younger|little|a teen|a teenager|a kid|a child|at school|in school|at uni|at college|in my teens|\d+)|as a (?:teen|teenager|kid|child)|back then|in the past|at the time|i survived|survivor|(?:clean|free) (?:for|since)|\d+ (?:days?|weeks?|months?|years?) (?:clean|free|sober|without)|self[- ]?harm[- ]free|in recovery|recovered|recovering from|history of|(?:once|previously) (?:tried|attempted)|last year|in (?:19|20)\d\d|before i (?:got help|found|started)|looking back|those days|that time in my life)\b";

/// Words that override a past context: it is happening again.
pub const RECURRENCE: &str = r"\b(?:again|creeping back|coming back|come back|came back|back again|relaps\w*|returned|returning|starting to feel|that way again|lately|recently|these days|at the moment|right now|tonight|this week)\b";

/// "Right now": makes an ambiguous phrase ("end it") count on its own.
pub const NOW_CONTEXT: &str = NOW;
