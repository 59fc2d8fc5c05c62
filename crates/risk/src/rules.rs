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
//!
//! Some phrases are only risky in company: "going to do it", a bridge, "thank
//! you for everything", a gun. Such a rule is a *cue* (`needs_support`): it
//! counts when another signal or a different cue is in the post, when its
//! sentence says "right now" (if the rule allows that), or when its own
//! confirming context appears (`support`, e.g. "next fast train" for a
//! platform, "not answering" for a relative's goodbye text).
//!
//! A rule can also be cancelled by its `veto`, context anywhere in the post:
//! "thank you for everything" in a post about a new job is not a farewell.
//!
//! Patterns avoid open fillers such as `(?:\w+ )?` between the subject and
//! the verb: a filler can swallow "not" ("i would never hurt myself") and
//! hide it from the negation check, which only looks before the match.
//! Fillers are lists of intensifiers instead (`intens!`).
//!
//! Every rule has a `trigger`: words any of its matches must contain. When
//! you change a pattern, add its new words to the trigger; debug builds
//! (all tests) panic if a pattern matches where its trigger did not.

use crate::Level;

#[derive(Debug, Clone, Copy)]
pub struct RuleDef {
    pub id: &'static str,
    pub level: Level,
    pub description: &'static str,
    pub pattern: &'static str,
    /// Words any match must contain (stems: "kill" for "killing"). The
    /// assessor runs all triggers in one `RegexSet` pass and the full
    /// pattern only where its trigger matched: the full patterns together
    /// are too big for one fast automaton. A debug build checks that no
    /// pattern ever matches where its trigger did not.
    pub trigger: Option<&'static str>,
    /// Suppress when the sentence matches this.
    pub guard: Option<&'static str>,
    /// A negation just before the match suppresses it.
    pub negatable: bool,
    /// A past or recovery context in the sentence suppresses it.
    pub past_sensitive: bool,
    /// A cue: counts only beside another signal or a different cue in the
    /// post, or with the context below.
    pub needs_support: bool,
    /// A cue counts on its own when its sentence says "right now" or
    /// "tonight" (for "going to end it"; not for farewells or places, where
    /// "today" is ordinary).
    pub now_supports: bool,
    /// A cue counts on its own when this confirming context matches.
    pub support: Option<&'static str>,
    /// Whether `support` must be in the cue's own sentence (else anywhere
    /// in the post).
    pub support_in_sentence: bool,
    /// Suppress when the whole post matches this: a "thank you for
    /// everything" in a post about a new job is not a farewell.
    pub veto: Option<&'static str>,
    /// A cue that only its own `support` confirms: other signals in the
    /// post do not ("i feel dizzy" counts after pills, not after "im sad").
    pub own_support_only: bool,
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
        description,
        pattern,
        trigger: None,
        guard: None,
        negatable: true,
        past_sensitive: true,
        needs_support: false,
        now_supports: false,
        support: None,
        support_in_sentence: false,
        veto: None,
        own_support_only: false,
    }
}

impl RuleDef {
    const fn trigger(mut self, trigger: &'static str) -> Self {
        self.trigger = Some(trigger);
        self
    }
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
    /// A cue that a "right now" in its sentence is enough to confirm.
    const fn needs_support(mut self) -> Self {
        self.needs_support = true;
        self.now_supports = true;
        self
    }
    /// A cue that only another signal, another cue or its own `support`
    /// confirms.
    const fn cue(mut self) -> Self {
        self.needs_support = true;
        self.now_supports = false;
        self
    }
    /// Context anywhere in the post that confirms this cue.
    const fn support(mut self, support: &'static str) -> Self {
        self.support = Some(support);
        self
    }
    /// Context anywhere in the post that cancels this rule.
    const fn veto(mut self, veto: &'static str) -> Self {
        self.veto = Some(veto);
        self
    }
    /// A cue that counts only with this context anywhere in the post.
    const fn only_with(mut self, support: &'static str) -> Self {
        self.needs_support = true;
        self.now_supports = false;
        self.support = Some(support);
        self.own_support_only = true;
        self
    }
    /// Context in the cue's own sentence that confirms it.
    const fn support_here(mut self, support: &'static str) -> Self {
        self.support = Some(support);
        self.support_in_sentence = true;
        self
    }
}

/// Ways of saying "kill myself", as one regex alternation (with the slang
/// members use to get past filters: kms, unalive, sewer slide).
macro_rules! self_kill {
    () => {
        r"(?:kill(?:ing)? my ?self|k ?m ?s\b|top(?:ping)? my ?self|off(?:ing)? my ?self|neck(?:ing)? my ?self|unaliv(?:e|ing)(?: my ?self|(?:\s*[.!?,\n]|\s*$)| (?:tonight|today|tomorrow|now|rn|soon|fr|so|again|when|after|before|at \d|this (?:weekend|week|evening|morning|afternoon)))|end(?:ing)? (?:it all|my (?:own )?life|everything|my existence)|tak(?:e|ing) my (?:own )?life|hang(?:ing)? my ?self|commit(?:ting)? (?:suicide|sewer ?slide)|do(?:ing)? my ?self in|ctb|leav(?:e|ing) this (?:world|earth|life)|suicide|sewer ?slide)"
    };
}

/// Ways of ending one's life by a place or vehicle ("jump off the bridge",
/// "step in front of a train", "walk into the sea").
macro_rules! method {
    () => {
        r"(?:jump(?:ing)?|walk(?:ing)?|step(?:ping)?|throw(?:ing)? my ?self|driv(?:e|ing)(?: (?:my|the) car)?|crash(?:ing)?(?: (?:my|the) car)?|lie|lying) (?:off|into|in front of|under|down on|onto|from) (?:the |a |my )?(?:\w+ )?(?:bridge|cliffs?|roof|building|car park|multi ?storey|river|sea|canal|water|train|tracks|railway|traffic|lorry|bus|motorway|wall|tree|ledge|window|balcony|one)\b"
    };
}

/// Medicines people overdose on, by kind and by common name.
macro_rules! drugs {
    () => {
        r"(?:pills|tablets|meds|medication|medicine|laxatives|paracetamol|painkillers|pain killers|co-?codamol|codeine|tramadol|sertraline|citalopram|fluoxetine|amitriptyline|lithium|insulin|sleeping (?:pills|tablets)|antidepressants|quetiapine|diazepam|zopiclone|ibuprofen|aspirin|oxycodone|morphine|propranolol|mirtazapine|venlafaxine|olanzapine|pregabalin|gabapentin|lamotrigine|benzos|xanax|prescription)"
    };
}

/// Intensifiers that may sit between subject and verb ("i just really
/// want to die"). Never negations, so "im not suicidal" cannot match as
/// "im ... suicidal".
macro_rules! intens {
    () => {
        r"(?:(?:just|really|honestly|seriously|actually|genuinely|literally|properly|truly|always|constantly|often|sometimes|kind of|kinda|sort of|so|very|pretty|quite|a bit|a little|completely|totally|utterly|absolutely|such|even|also|now|more and more|lately|proper|fucking|bloody|fkn|lowkey|highkey|low key|high key|lowk)\s+){0,3}"
    };
}

/// Parts of the body people harm.
macro_rules! body {
    () => {
        r"(?:arms?|forearms?|wrists?|legs?|thighs?|skin|hands?|stomach|belly|hips?|chest|shoulders?|ankles?|fingers?|knuckles|face|scalp|body)\b"
    };
}

/// Words that put a statement in the first person or start a sentence
/// with one ("cut myself again", "ive started cutting", "and cutting").
macro_rules! first_person {
    () => {
        r"(?:(?:(?m:^)\s*|[.!?]\s+)(?:(?:i|ive|i have|im|i am|i just|just|been|started|starting|keep|kept|still|back to|gone back to|went back to|and|then|i keep|i still|i started)\s+){0,3}|\b(?:(?:i|ive|i have|im|i am|i just|just|been|started|starting|keep|kept|still|back to|gone back to|went back to|and|then|i keep|i still|i started)\s+){1,3})"
    };
}

/// Third parties a member may report about.
macro_rules! someone {
    () => {
        r"(?:friend|mate|bestie|man|woman|guy|lad|bloke|girl|boy|client|customer|patient|pupil|resident|caller|tenant|service user|lodger|bff|best friend|pal|partner|boyfriend|girlfriend|bf|gf|husband|hubby|wife|fiance|fiancee|son|daughter|sister|brother|sibling|mum|mom|mam|mother|dad|father|stepdad|stepmum|grandad|grandma|nan|flatmate|roommate|housemate|cousin|colleague|coworker|kid|child|teen|teenager|nephew|niece|uncle|aunt|auntie|neighbour|neighbor|classmate|student|ex)"
    };
}

/// A reference to a third party: "my (19yo) son", "our flatmate", or a
/// sentence opening with one ("Mum's just phoned", "best mate told me").
macro_rules! third {
    () => {
        concat!(
            r"(?:\b(?:my|our)\s+(?:[a-z0-9()]+\s+){0,3}?|(?:(?m:^)\s*|[.!?]\s+)(?:[a-z0-9()]+\s+)?)",
            someone!(),
            r"s?\b"
        )
    };
}

/// A third party cannot be reached, or help has been called: what makes a
/// relative's goodbye text or an empty blister pack an emergency.
macro_rules! unreachable_cue {
    () => {
        r"\b(?:not|isnt|arent|wont|wasnt|hasnt|havent|cant|cannot|stopped|no longer)\s+(?:\w+\s+)?(?:answering|answer|picking up|pick up|responding|respond|replying|reply|reachable|opening the door|open the door|coming out|come out|waking up|wake up)\b|\b(?:phone|mobile)(?:s| is)?(?: now| still)? (?:off|switched off|dead|going (?:straight )?to voicemail|goes (?:straight )?to voicemail)\b|\bstraight to voicemail\b|\bhung up\b|\blocked (?:him|her|them)sel(?:f|ves) in\b|\bcant (?:reach|find|get hold of|get through to) (?:him|her|them)\b|\b(?:nobody|no ?one|none of us)(?: has| have| can|s|ve)? (?:heard from|seen|reach|get hold of|get through to|contact|find)\b|\bnot heard from (?:him|her|them)\b|\blost (?:him|her|them)\b|\b(?:isnt|is not|wasnt) (?:at|where)\b|\bslurring\b|\bunconscious\b|\b(?:line|phone|call) (?:went|goes|has gone|just went) (?:dead|silent)\b|\bcall (?:dropped|cut off)\b|\bambulance (?:is|s) (?:on (?:its|the) way|coming|\d+ (?:mins|minutes) away)\b|\b(?:drowsy|confused|not making sense|cant wake (?:him|her|them))\b|\b(?:nobody|no ?one|we dont|i dont|dont) knows? where (?:he|she|they|hes|shes|theyre)\b|\b(?:missing|gone missing|hasnt come home|not come home|didnt come home|hasnt been home|not online|gone offline|went offline|offline since|logged off|left the (?:chat|server|group))\b|\b(?:rung|rang|called|phoned|ring|call|calling|ringing) (?:the )?(?:police|999|911|000|112|an ambulance|ambulance)\b|\bpolice or ambulance\b|\bwhat number\b|\bbreak (?:the|his|her) door\b|\bambulance on (?:its|the) way\b|\b(?:is|s|hes|shes|theyre|now|still) offline\b|\bhow do (?:i|we) (?:get|send) (?:someone|help|an ambulance|the police|police) to (?:her|him|them)\b|\b(?:dont|do not) (?:know|have) (?:her|his|their) address\b|\bthats all (?:i|we) know\b|\b(?:hes|shes|theyre|he is|she is|they are) not (?:at (?:his|her|their) desk|home|in (?:his|her|their) room)\b|\b(?:his|her|their) car(?:s| is| has)? gone\b|\b(?:driving|going|heading|on my way) there now\b|\b\d+ (?:mins|minutes) away\b"
    };
}

/// An upbeat or clearly ordinary post: what cancels farewell-like cues
/// ("thank you for everything", "giving away my stuff") anywhere in it.
macro_rules! upbeat {
    () => {
        r"\b(?:doing (?:so |much |a lot |loads |really )*(?:better|well|great|ok|okay)|feeling (?:so |much |a lot |loads )*(?:better|good|great)|got the job|new (?:job|chapter|flat|house|start)|moving (?:to|house|abroad|out)|happy (?:new year|christmas|holidays|birthday)|see you (?:all )?(?:soon|tomorrow|later|next|in|on)|back (?:soon|next|in a)|for a (?:while|bit|few)|holiday|social media break|taking a break|retir\w*|graduat\w*|passed|wedding|so proud|so grateful|cant wait|night all|night night|nighty night|good ?night|sleep well|sweet dreams|off to bed|going to bed|heading to bed|bed ?time|(?:just )?kidding|jk|lol|lmao|haha|goodbye (?:19|20)\d\d)\b"
    };
}

/// A post about someone else who died by suicide: its goodbyes and letters
/// are grief, not a farewell.
macro_rules! bereaved {
    () => {
        r"\b(?:took (?:his|her|their) own life|died by suicide|killed (?:him|her|them)sel(?:f|ves)|lost (?:him|her|them|my \w+(?: \w+)?) to suicide|(?:his|her|their) suicide)\b"
    };
}

/// A plan's time: makes "im going to end it" an intent.
macro_rules! plan_time {
    () => {
        r"\b(?:tonight|tomorrow|this (?:weekend|week|evening|afternoon)|on (?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|tues|wednes|thurs|fri|satur|sun)day|first thing|when (?:my|the|everyone|everyones|they|he|she)\b[^.!?\n]{0,30}\b(?:asleep|bed|out|gone|goes|leaves?|left|empty|quiet|work|school|shift)|once (?:the|my|everyone|everyones|they|he|she)\b[^.!?\n]{0,30}\b(?:asleep|bed|out|gone|left|school|work)|after (?:my shift|work|the match|everyone|the kids|i (?:press|hit) post)|after (?:they|theyve|everyone|everyones|the kids|my \w+)(?: have| has|ve|s)? (?:all )?(?:gone|left|asleep|gone to bed|gone out)|when i (?:get (?:home|back|in)|finish|am alone)|when im (?:home|alone|back))\b"
    };
}

/// "Right now": makes an ambiguous phrase ("end it") count on its own.
const NOW: &str = r"\b(?:tonight|right now|rn|now|today|this (?:evening|afternoon|morning)|in (?:a|an|the next) (?:few |couple of )?(?:hours?|minutes?|mins?)|in \d+ (?:hours?|minutes?|mins?)|before (?:morning|midnight|dawn)|after i (?:press|hit|click) (?:post|send)|when it gets dark|after dark|once its dark|when (?:everyone|they|the house|my \w+) (?:is|are|goes|go|has gone|have gone|gets|get)? ?(?:asleep|to (?:bed|sleep)|out|gone|quiet|empty))\b";

/// What confirms that someone at a bridge, platform or roof is in danger.
const PLACE_SUPPORT: &str = r"\b(?:(?:near|on|at|over|off) the edge|over the side|legs over|(?:next |the )?fast train|non ?-?stop(?:ping)? train|train (?:that )?(?:doesnt|does not|wont) stop|\d+ (?:floors?|storeys?|stories) (?:up|high)|\d+(?:st|nd|rd|th) floor|underneath|below me|beneath me|long way down|the drop|how high|jump\w*|(?:someone|somebody|anyone) (?:to )?knows? where|where i (?:am|was)|not coming back|no comin|one way|im ready|ready to go|so calm|looks (?:so |really )?calm|(?:cars|traffic|trains|water) (?:are |is )?(?:going |moving )?(?:so |really )?(?:fast|loud|calm|cold)|(?:trains?|lorry|lorries|cars|traffic|lights) (?:is |are )?(?:coming|passing|going past)|(?:see|hear) the (?:train|trains|traffic|water)|(?:just )?(?:sitting|sat|stood|standing) here|look(?:ing)? down|climb(?:ed|ing)? (?:back )?over|other side of the (?:railings?|barrier|fence)|over the (?:railings?|barrier|fence)|(?:high|far|tall) enough|(?:river|water|sea|tide|current) (?:is|looks|s) (?:so |really )?(?:high|deep|cold|fast|calm|rough|dark|black))|going in (?:when|after|once|tonight|now|soon)\b|\b(?:nobody|no ?one) knows (?:im|i am) (?:here|there)\b|\b(?:right )?at the (?:very )?edge\b|\bbefore i go\b|\bjoin (?:him|her|them|my \w+)\b|\bphone (?:will be|is going|going) (?:off|dead)\b|\bnext train\b|\btrain is due\b|\bafter this\b|\b(?:nobody|no ?one|dont) (?:reply|respond)\b|\btonight(?:s| is) (?:when|the night)\b|\bright now\b|\b(?:now|rn)(?:\s*[.!\n]|\s*$)|\b(?:so|really|very) high(?: up)?\b|\b(?:nobody|no ?one) knows where\b|\btides? (?:is |s )?(?:right |coming |all the way )?in\b|\b(?:in the dark|getting dark|its dark|when it gets dark|once its dark|after dark)\b|\b(?:driving|drive|walking|walk|jumping|jump|going|go|wading|wade|swimming|swim) (?:in(?:to)?|off|out into) it\b|\b(?:just )?want(?:ed)? (?:someone|somebody|anyone) to know\b|\bphones? (?:is )?(?:on|at) \d+ ?%|\bnot (?:going|walking|coming|getting) (?:back|home)\b|\bthis time\b|\bdoes it hurt\b";

pub const RULES: &[RuleDef] = &[
    // ---- crisis: intent --------------------------------------------------
    signal(
        "crisis.intent",
        Level::Crisis,
        "states an intent to end their life",
        concat!(
            r"\b(?:im going to|im gonna|i am going to|gonna|going to|ill|i will|i shall|ive decided to|i have decided to|decided to|i plan to|im planning to|planning to|im about to|about to|im ready to|ready to|tonight i|today i|tonight is the night i|this is the night i)\s+",
            intens!(),
            r"(?:finally |definitely )?(?:",
            self_kill!(),
            r"|",
            method!(),
            r")",
        ),
    )
    .trigger(r"\b(?:going to|gonna|ill|i will|i shall|decided to|plan to|planning to|about to|ready to|tonight i|today i|this is the night i)")
    .guard(r"\b(?:could|would) (?:\w+ )?kill my ?self (?:for|if|over|laughing)|\b(?:lol|lmao|haha|jk|joking)\b|kill my ?self laughing|game|film|movie|book|character|episode|squad|career|social suicide|political suicide|bungee|parachute|skydiv\w*|\bdiv(?:e|ing)\b|swim\w*|\bpool\b|\blake\b|paddl\w*|for charity|trampoline|eventually|one day|someday|some day|at some point|in the end|sooner or later|kill my ?self if|\bif\b[^.!?\n]{0,40}\b(?:going to|gonna|ill|i will) (?:kill|end|top)"),
    signal(
        "crisis.intent-timed",
        Level::Crisis,
        "says they are ending their life at a set time",
        concat!(
            r"\b(?:im |i am )?(?:killing my ?self|k ?m ?s|unaliving my ?self|topping my ?self|offing my ?self|hanging my ?self|ending (?:it all|my (?:own )?life|everything|it)|taking my (?:own )?life)\b[^.!?\n]{0,30}?",
            plan_time!(),
        ),
    )
    .trigger(r"\b(?:killing|k ?m ?s|unaliving|topping|offing|hanging|ending|taking my|leaving this)")
    .guard(r"\b(?:lol|lmao|haha|jk|joking|kidding)\b|\b(?:game|film|movie|book|character|episode)\b|\bending it (?:with|between)\b|\b(?:relationship|contract|subscription|tenancy|lease)\b"),
    signal(
        "crisis.intent-vague",
        Level::Crisis,
        "says they will 'end it', 'do it', 'take them all' or 'go through with it'",
        concat!(
            r"\b(?:im going to|im gonna|i am going to|gonna|going to|ill|i will|ive decided to|decided to|im about to|about to|im ready to|ready to|finally going to|i plan to|im planning to|planning to|plan to)\s+(?:just |finally |actually )?(?:end it|end things|do it|go through with it|jump(?: off| from| in front of| and| then| now| tonight|\s*[.!?,\n]|\s*$)|jump in(?:to)? (?:the )?(?:river|sea|canal|water|loch|lake|harbour|quarry|reservoir)|jump in(?: when| tonight| once| after|\s*[.!?,\n]|\s*$)|overdose|od\b|stop my heart|sleep forever|go to sleep forever)",
            r"|\b(?:im|i am) (?:doing|ending) it\b|\bdoing it (?:tonight|this weekend|tomorrow|today)\b|\bit(?:ll| will) (?:all )?be (?:done|over)\b",
            r"|(?:\b(?:im|i am|and|then|now|just|to|gonna|will|ill)\s+|(?:(?m:^)\s*|[.!?]\s+))(?:taking|swallowing|take|swallow|necking|neck) (?:them(?:\s*[.!?,\n]|\s*$| tonight| when| once| after| now| later| in)|them all|all of them|the lot|every (?:single )?(?:one of (?:them|my (?:\w+ )?",
            drugs!(),
            r")|pill|tablet)|all (?:of )?(?:my|the) (?:\w+ )?",
            drugs!(),
            r"|everything in the (?:cupboard|cabinet|drawer|house)|everything (?:tonight|when|once|after|now|at)|the rest(?: of them)?)\b",
        ),
    )
    .trigger(r"\b(?:going to|gonna|ill|i will|decided to|about to|ready to|plan to|planning to|doing it|ending it|itll|it will|tak|swallow|neck|finally going)")
    .guard(r"\bend (?:it|things) with\b|\bend things (?:off|between)\b|relationship|breakup|break up|bungee|parachute|skydiv|pool|puddle|for charity|sponsored|swim\w*|\bdip\b|for fun|paddleboard\w*|gym|exam|essay|assignment|job|tattoo|dye|haircut|diet|marathon|\brun\b|interview|presentation|deadline|quit|the call|the meeting|holiday|travel\w*|abroad|with me|pharmacy|chemist|back to|\btest\b|homework|chores|dishes")
    .needs_support()
    .support_here(plan_time!()),
    signal(
        "crisis.timed-thoughts",
        Level::Crisis,
        "wants to end their life tonight, or plans to today",
        concat!(
            r"\b(?:want|wanna|need) (?:to )?",
            intens!(),
            self_kill!(),
            r"[^.!?\n]{0,40}\b(?:tonight|before (?:morning|midnight)|when everyone(?:s| is)? (?:asleep|in bed|out))\b|\b(?:going|gonna|plan|planning) (?:to )?",
            intens!(),
            self_kill!(),
            r"[^.!?\n]{0,40}\b(?:tonight|right now|today|when everyone(?:s| is)? (?:asleep|in bed|out))\b",
        ),
    )
    .trigger(r"\b(?:want|wanna|need|going|gonna|plan)"),
    signal(
        "crisis.voices",
        Level::Crisis,
        "voices tell them to harm themselves, now or tonight",
        r"\b(?:voices?|my (?:head|brain|mind|thoughts|ed|illness|depression))\b[^.!?\n]{0,30}\b(?:telling|tell|told|saying|say|ordering|order|want|wants|screaming at) me (?:that )?(?:to|i (?:have|need|should|must)(?: to)?)\s+(?:\w+ )?(?:kill|hurt|harm|cut|die|jump|walk into|step in front|end|drown|hang|burn|overdose)\b[^.!?\n]{0,60}\b(?:tonight|right now|now)\b",
    )
    .trigger(r"\b(?:voice|my head|my brain|my mind|my thoughts|my ed|my illness|my depression)"),
    signal(
        "crisis.resolve",
        Level::Crisis,
        "a sign of a decision made: 'tonight's the night', 'don't talk me out of it'",
        r"\bive (?:made (?:my|the|a) decision|made up my mind|decided(?:\s*[.!,\n]|\s*$)|worked (?:it all|everything|it) out)|\bmy mind(?:s| is) made up\b|\b(?:tonight|today|tomorrow|this|(?:mon|tues|wednes|thurs|fri|satur|sun)day)(?:s| is) the (?:night|day)\b|\bthis is it(?: for me)?(?:\s*[.!,\n]|\s*$)|\b(?:talk|talking) me (?:out of it|down)\b|\b(?:no ?one|nobody)(?:s| is)? (?:going to|gonna|can|will) stop me\b|\b(?:so|or|because) (?:they|nobody|no ?one|anyone) (?:would|wouldnt|could|couldnt|will|wont|cant) stop me\b|\b(?:its|it is) time (?:for me )?to go\b|\b(?:its|it is) time(?:\s*[.!\n]|\s*$)|\bmy time (?:is up|has come)\b|\b(?:dont|do not) (?:try (?:and |to )?)?stop me\b|\b(?:anyone|anybody|nobody|no ?one|you|them|people) to (?:stop|save|find) me\b|\b(?:stop|save|find|talk) me\b[^.!?\n]{0,12}\bthis time\b|\b(?:picked|chosen|chose|found|set) (?:the|a|my) (?:spot|place|date|day|bridge|time)\b|\bone way(?: ticket)?(?:\s*[.!,\n]|\s*$)|\bgoing deep(?:er)? this time\b|\b(?:im|i am) not (?:scared|afraid|frightened) (?:any ?more|now|of dying)\b|\bmade (?:my )?peace(?: with (?:it|that|everything|my decision|dying|what im (?:doing|about to do)))?(?:\s*[.!,\n]|\s*$)|\b(?:and|then) thats it\b|\bthats it (?:for me|then)\b|\bthat(?:s| will be|ll be) the end\b|\b(?:it to be|it will be|itll be|its|is) enough this time\b|\bworks? this time\b|\b(?:finish|end) it (?:all )?(?:tonight|now|for good)\b|\b(?:going to|gonna) finish it\b|\bget it over with\b|\b(?:please )?(?:dont|do not) (?:call|ring|phone|send|get) (?:anyone|anybody|an ambulance|999|911|help|the police)\b|\b(?:dont|do not) want (?:any )?help\b|\bready to go(?:\s*[.!,\n]|\s*$)",
    )
    .trigger(r"\b(?:call|ring|phone|send|get|help|peace|stop me|save me|find me|ive |im |i am |my mind|the night|the day|this is it|thats|that s|that will|thatll|enough this|work|talk(?:ing)? me|stop me|time|picked|chose|found|set|one way|going deep|finish it|end it|get it over|ready to go)")
    .guard(r"\b(?:notice|handing in|resign\w*)\b|\b(?:buy|buying|bought|tattoo|haircut|holiday|job|quit|moving|marathon|skydiv\w*|bungee|wedding|propos\w*|degree|course|dye|piercing|gig|concert|party|match|exam|interview|date night|first date|were|we are|packed)\b")
    .not_negatable()
    .veto(upbeat!())
    .cue()
    .support(plan_time!()),
    signal(
        "crisis.method",
        Level::Crisis,
        "names a way of dying by a place or vehicle ('walk into the sea', 'step in front of a train')",
        // Only as a purpose or an act under way ("heading to the beach to
        // walk into the water", "im walking into the sea"): "thinking about
        // stepping in front of a train" is `high.thoughts`.
        concat!(
            r"(?:\b(?:to|im|i am|now|and|gonna|then)\s+|(?:(?m:^)\s*|[.!?,]\s+))",
            method!()
        ),
    )
    .trigger(r"\b(?:jump|walk|step|throw|driv|crash|lie|lying)")
    .guard(r"\b(?:swim\w*|holiday|dip|paddl\w*|bungee|parachute|skydiv\w*|charity|sponsored|dare|lol|haha|for fun|surf\w*|diving|dive|kids?|dog|puddle|pool|shallow|cold water|wild swim\w*|ice bath|beach day|sunbath\w*|road safety|careful|nearly|almost|accident\w*|dream)\b")
    .needs_support(),
    // ---- crisis: means -------------------------------------------------
    signal(
        "crisis.means-ready",
        Level::Crisis,
        "has the means ready (pills counted out, saved up, a rope tied)",
        concat!(
            r"\b(?:counted out|counting out|saved up|saving up|been saving|stockpil\w*|hoard\w*|collected|collecting|got enough|have enough|bought enough|more than enough|finally got enough)\b[^.!?\n]{0,30}\b(?:",
            drugs!(),
            r"|rope|ligature|blades?)\b",
            r"|\b(?:",
            drugs!(),
            r"|rope|noose|ligature|blades?|razors?|gun|shotgun|pistol|knife)s?\b[^.!?\n]{0,30}\b(?:counted out|lined up|laid out|in front of me|next to me|beside me|ready|in my hand|tied|saved up|stockpiled|hoarded|collected)\b",
            r"|\b(?:tied|made|bought) (?:a |the )?(?:noose|rope|ligature)\b",
            r"|\btied (?:a |the |my |it |something )?(?:\w+ ){0,3}?(?:to|round|around|from|over|onto) (?:the |a |my )?(?:banister|bannister|stair ?rail|beam|loft|hatch|rail|door ?frame|door(?: handle)?|handle|hook|pipe|tree|curtain rail|bed ?frame|wardrobe)\b",
            r"|\b(?:it|the \w+|a \w+|cord|belt|rope|ligature|scarf)\b[^.!?\n]{0,15}\b(?:round|around) my neck\b",
            r"|\b(?:got|have|sorted|found) the means\b",
            r"|\b(?:i have|ive got|i ve got|got|have) (?:a |the )?(?:plan|method) and (?:a |the )?(?:date|time|day)(?:\s*[.!,\n]|\s*$| for it| to do it)",
            r"|\b(?:the|my|a) noose\b",
            r"|\b(?:rope|noose|ligature|belt|cord)\b[^.!?\n]{0,15}\b(?:hanging|tied|attached|fixed|fastened) (?:from|to|on|over|round|around) (?:the |a |my )?(?:\w+ )?(?:beam|banister|bannister|loft|hatch|rail|door|hook|pipe|tree|ceiling|frame)\b",
            r"|\bhose(?:pipe)?\b[^.!?\n]{0,25}\bexhaust\b|\bexhaust\b[^.!?\n]{0,25}\bhose(?:pipe)?\b",
            r"|\b(?:sitting|sat|lying|laying|im|i am|here|parked)\b[^.!?\n]{0,40}\bwith\b[^.!?\n]{0,30}\ball (?:of )?(?:my|the|her|his) (?:\w+ )?",
            drugs!(),
            r"\b",
            r"|\blocked my ?self in\b[^.!?\n]{0,30}\bwith (?:a|the|my|all my|all the|all of my) (?:\w+ )?(?:razor|blade|knife|rope|gun|",
            drugs!(),
            r")\b",
            r"|\bbought (?:\w+ ){0,3}(?:pills|paracetamol|tablets|painkillers|co-?codamol|sleeping pills) (?:from|in|at) (?:different|several|\w+ different|a few|multiple|two|three|four|lots of) (?:shops|pharmacies|chemists|places|supermarkets)\b",
            r"|\b(?:lined|laid|counted) (?:them|the pills|the tablets|my pills|my tablets) (?:all )?(?:out|up)\b",
            r"|\b(?:hung|put|fixed|tied|set) (?:up )?(?:the|a|my) (?:rope|noose|ligature|belt)(?: up)? (?:in|from|on|to|over)\b",
        ),
    )
    .trigger(concat!(r"\b(?:plan|method|belt|cord|hanging|hose|exhaust|neck|with|locked|count|saved|saving|stockpil|hoard|collect|enough|rope|noose|ligature|blade|razor|gun|shotgun|pistol|knife|tied|the means|lined|laid|bought|", drugs!(), ")"))
    .guard(r"\b(?:swing|hammock|tyre|punch ?bag|boxing|decorations|fairy lights|bunting|collection|collect|pharmacy|pharmacist|chemist|prescription ready|pick(?:ed)? up|dosette|pill organi[sz]er|weekly box|for the week|not enough|camping|climbing|boat|washing line|dog lead|shav\w*|cooking|chopping|kitchen|dinner|travel\w*|holiday|abroad|range|clay|shoot\w*|hunting|season|carving|whittl\w*|review|appointment|gp|doctor|hospital|ward|nurse|how to|knots?|sailing|scouts?|halloween|history|lynch\w*|necklace|chain|lanyard|headphones|pendant|medal|garland|lei|cold|warm|cosy|cozy)\b"),
    signal(
        "crisis.means-cue",
        Level::Crisis,
        "has means or a ligature point to hand (a gun out, 'got everything I need', a car in the garage)",
        r"\b(?:got|have|bought|found|collected|got hold of|sorted)\s+(?:everything|all|what) i need\b|\b(?:got|have) everything (?:ready|sorted|planned)\b|\b(?:its|everythings|everything is|it is|its all|everything s) (?:all )?(?:ready|sorted|in place|set|planned|arranged|in (?:my|the) (?:bag|rucksack|drawer|wardrobe|car|room|glovebox))\b|\b(?:the )?(?:rope|pills|tablets|blades?|razors?|gun|hose(?:pipe)?|ligature|noose)(?:s| is| are)? in (?:my|the) (?:\w+ )?(?:wardrobe|drawer|bag|rucksack|car|room|pocket|shed|garage|loft|attic|boot|glovebox)\b|\b(?:the |my )?(?:pills|tablets|meds)(?:s| is| are)? (?:on|next to|by|beside) (?:my|the) (?:bedside (?:table|cabinet)|bed|pillow|desk)\b|\b(?:got|loaded|load|loading|holding|took|taken|taking) (?:out )?(?:my |his |her |my dads |dads |the |a )?(?:gun|shotgun|rifle|pistol)(?: out)?\b|\b(?:got|have|bought|found) (?:a|the|my|some) (?:blade|razor|rope|noose|ligature|helium|charcoal|exit bag|tablets|pills)\b|\bbought (?:\w+ ){0,3}?(?:packs?|packets?|boxes|bottles?|loads|lots) of (?:\w+ )?(?:paracetamol|painkillers|pills|tablets|co-?codamol|codeine|ibuprofen|aspirin|sleeping pills)\b|\b(?:got|have|bought|collected|gathered)\b[^.!?\n]{0,25}\ball (?:of )?my (?:\w+ )?(?:pills|tablets|meds|medication|painkillers|sleeping pills)\b|\b(?:got|have|bought|saved|collected)\s+(?:\w+ )?\d{2,} (?:\w+ )?(?:pills|tablets|paracetamol|painkillers|co-?codamol|codeine|tramadol|sleeping pills)\b|\b(?:im|i am|sat|sitting|lying|laying|here|in the bath|in bed|in my room|in the bathroom|in (?:my|the) car|locked (?:\w+ )?in)\b[^.!?\n]{0,30}\bwith (?:a|the|my|his|her|all my|all the|all of my) (?:\w+ )?(?:razor|blade|knife|rope|noose|gun|hose(?:pipe)?|charcoal|bbq|barbecue|pills|tablets|meds)\b|\bive tied it\b|\b(?:turned|left|put|switched) (?:the |all the )?gas (?:on|taps on)\b|\b(?:in|inside) (?:the|my) car in (?:the|my) garage\b|\bengine running in (?:the|a|my) (?:closed |shut )?garage\b|\bhose(?:pipe)? (?:from|to|into|through|on|onto) the exhaust\b|\b(?:lit|burning) (?:a |the )?(?:bbq|barbecue|charcoal) in (?:the|my) (?:room|car|tent|bedroom|flat|bathroom)\b",
    )
    .trigger(concat!(r"\b(?:i need|everything|ready|sorted|set|arranged|in place|planned|in my |in the |gas|with |rope|blade|razor|gun|shotgun|rifle|pistol|noose|ligature|helium|charcoal|exit bag|knife|hose|bbq|barbecue|tied|garage|", drugs!(), ")"))
    .guard(r"\b(?:cooking|chopping|kitchen|craft|stanley|knife set|hobby|model|diy|kit|bread|butter|fork|camping|climbing|boat|clay|shoot(?:ing)? (?:range|club|season)|hunting|range|cleaning|mechanic|fixing|repair|mot|tyres?|holiday|packing|trip|festival|gym|lunch|shopping|hair|shav\w*|party|recipe|baking|cake|uni|school|new (?:flat|house|job)|for (?:the|my|a|our) (?:\w+ )?(?:trip|party|holiday|week|course|exam|move|wedding))\b")
    .cue()
    .support(concat!(plan_time!(), r"|\bwhere (?:nobody|no ?one) (?:will|can|would) find me\b|\btonight\b|\bright now\b|\b(?:shut|closed|sealed|taped) (?:up )?(?:all )?(?:the )?(?:windows|doors|vents|door)\b|\bengine (?:is )?(?:running|on)\b|\bdoor (?:is )?(?:pulled )?(?:down|shut|closed)\b|\bfumes\b|\bready to go\b|\b(?:sat|sitting) here (?:with|looking at) it\b")),
    // ---- crisis: acts ---------------------------------------------------
    signal(
        "crisis.act-done",
        Level::Crisis,
        "has just taken an overdose or harmed themselves badly",
        concat!(
            r"(?:\b(?:ive|i have|i just|just|i already|already|i|youve|you have|and|then)\s+|(?:(?m:^)\s*|[.!?]\s+))(?:just |already )?(?:taken|took|swallowed|necked|downed|had|injected|drank|drunk)\s+(?:\w+ ){0,3}?(?:overdose|an od|(?:all|the whole|a whole|the entire|a full|every (?:single )?one of|every|loads of|a load of|a lot of|lots of|too many|a handful of|half|\d{2,}|an? (?:box|bottle|packet|pack|strip|tub|jar|bunch|bag)s? of|whole (?:\w+ )?(?:supply|prescription|stash) of|(?:entire|full) (?:\w+ )?(?:supply|prescription|stash) of)(?: (?:box|packet|bottle|pack|strip|tub|blister pack)s?)?(?: of)? (?:my |the |her |his )?(?:\w+ ){0,3}?(?:",
            drugs!(),
            r"|packets?|boxes|bottles?|of them|my prescription)|them all|all of them|the lot|(?:everything|whatever) (?:was |is )?(?:in|from) (?:the|my|our) (?:\w+ )?(?:cupboard|cabinet|drawer|medicine)|(?:the first|a|another|a big|a huge|two|three) handfuls?)\b",
            r"|(?:\b(?:ive|i have|i|just|i just)\s+|(?:(?m:^)\s*|[.!?]\s+))(?:just |already )?(?:overdosed|od(?:d|ed)|cut too deep|slit my wrists?|cut my wrists?|cut my throat)\b",
            r"|\bod(?:d|ed)? on (?:my |some |the |her |his )?(?:\w+ )?",
            drugs!(),
            r"|\b(?:drank|drunk|swallowed|downed|necked|had) (?:some |the |a (?:bottle|cup|glass) of |half a bottle of )?(?:bleach|antifreeze|weed ?killer|poison|drain cleaner|rat poison)\b",
            r"|\b(?:took|taken|swallowed|had) them (?:all )?(?:about |around |nearly |over |like )?(?:an hour|half an hour|a few (?:mins|minutes|hours)|\d+ (?:mins?|minutes|hours?|hrs?)|(?:five|ten|fifteen|twenty|thirty|forty) (?:mins?|minutes)) ago\b",
            r"|\b(?:already|just) (?:took|taken|swallowed|had) them\W{0,4}all of them\b",
            r"|\b(?:finished|took|taken|swallowed|necked|downed|had|injected|used)\b[^.!?\n]{0,40}\b(?:my |the )?(?:whole|entire) (?:\w+ )?(?:stash|supply|prescription|box|packet|bottle)s? of (?:my )?(?:\w+ ){0,2}?",
            drugs!(),
            r"|\b(?:taken|took|swallowed|necked|downed) (?:the|a|an) (?:whole|entire|full) (?:box|packet|bottle|pack|strip|tub|blister pack|lot)\b|\b(?:taken|took|swallowed|injected|used|drank|drunk|downed) (?:everything|all) (?:i had|i have|i could find|of it|in the house|i saved|ive saved)\b",
            r"|\b(?:taken|took|swallowed|had|injected|drank|drunk) (?:all of )?(?:my|his|her|their|the|mums?|dads?) (?:\w+ )?",
            drugs!(),
            r"\W{1,4}(?:all of (?:it|them)|every (?:last |single )?one|the lot|the whole (?:lot|box|bottle|packet))\b",
        ),
    )
    .trigger(r"\b(?:finished|taken|took|swallow|neck|down|had|inject|drank|drunk|used|overdos|od|cut|slit)")
    .guard(r"\b(?:biscuits|crisps|snacks|doughnuts|donuts|cookies|sweets|cake|to (?:work|school|the office|class|the party))\b|\bhad to (?:count|pick|find|sort|put|collect|get)\b|\bknocked (?:over|off|them)\b|\b(?:pharmacy|disposal|dispose|back to the|chemist|romeo|juliet|shakespeare|play|scene|plot|novel|character)\b|\baccident(?:al(?:ly)?)?\b|by mistake|double dosed|vitamins|ibuprofen for|for my (?:headache|migraine|period|back)|as (?:prescribed|directed|usual)|on time|with (?:food|breakfast|dinner)|my (?:usual|normal) dose|like (?:the|my) (?:doctor|gp|nurse|pharmacist) (?:said|told)|doctor said|tick(?:ed)? (?:them )?off|\b(?:took|taken|had|take) (?:my |a |the |about )?\d+ ?(?:mg|mcg|ml)\b|last (?:week|month)|(?:weeks|months) ago|discharged|\b(?:overdosed|od(?:d|ed)?) on (?:chocolate|sweets|sugar|caffeine|coffee|cake|carbs|junk|netflix|tv|telly|crisps|easter eggs?|candy|pizza|sun|sunshine|cheese)\b"),
    signal(
        "crisis.bleeding",
        Level::Crisis,
        "bleeding that will not stop, or a deep cut",
        r"\b(?:bleeding|blood|the cut|cuts|it|wound)\b[^.!?\n]{0,20}\b(?:wont|will not|doesnt|does not|isnt|is not|cant|cannot|wouldnt|would not)\s+stop(?:ping)?\b|\bcant stop the bleeding\b|\btoo much blood\b|\bso much blood\b|\bblood (?:is )?(?:all )?over (?:the|my) (?:floor|bathroom|bed|sheets|carpet|sink)\b|\bcut (?:my ?self |my (?:arms?|legs?|wrists?|thighs?|stomach) )?(?:way too|really|so|too|very) (?:bad(?:ly)?|deep(?:ly)?)\b|\b(?:its|blood is|blood s|it is) (?:pouring|gushing|spurting)\b|\bdeeper than i (?:meant|wanted|intended|thought)\b|\bbleeding (?:a lot|heavily|badly|loads|so much|everywhere)\b|\b(?:lots|loads|a lot|tons) of blood\b|\b(?:cut|cuts|went|gone|going) deep(?:er)? this time\b|\b(?:made|did|done) (?:the |my )?cuts? (?:really |so |too )?deep(?:er)?\b|\bcut (?:my ?self |my \w+ )?deep(?:er)?\b|\b(?:went|gone|cut|going) (?:way )?too deep\b|\bneeds? stitches\b",
    )
    .trigger(r"\b(?:stop|blood|bleeding|cut|deep|needs? stitches|pouring|gushing|spurting|went|gone|going|made|did|done)")
    .guard(r"\b(?:nose|nosebleed|period|gums?|tooth|teeth|dentist|paper cut|finger|shaving|kitchen|cooking|dog|cat|comment|words|remark|film|movie|horror|game)\b")
    .not_negatable(),
    // ---- crisis: places ---------------------------------------------------
    signal(
        "crisis.place",
        Level::Crisis,
        "is at or heading to a bridge, railway, cliff, roof or ledge",
        r"(?:\b(?:im|i am|ive been|been|sat|sitting|stood|standing|waiting|stuck|climbed|walking|walked|heading|going|driving|drove|went|gone|got|parked|posting this|typing this|writing this)\b[^.!?\n]{0,25}?|(?:(?m:^)\s*|[.!?]\s+)(?:(?:down|up|out|back|right|just) )?)\b(?:on|at|by|near|under|over|off|onto|to|in|from|up on|up at|on top of|top of)\s+(?:the |a |this |my )?(?:(?:edge|top|side|end) (?:of|o) (?:the |a |this |my )?)?(?:\w+ ){0,3}?(?:bridge|footbridge|flyover|viaduct|railway(?: line| bridge)?|rail(?:way)? line|train tracks|tracks|level crossing|platform(?: edge)?|cliffs?|clifftop|crags|roof|rooftop|top floor|ledge|multi ?-?storey|car park|station|train station|river|canal|reservoir|quarry|pier|harbour|harbour wall|docks?|marina|sea wall|seafront|beach|motorway|dual carriageway|balcony)\b|\bwait(?:ing)? for the (?:next )?(?:fast|non ?-?stop(?:ping)?|express|freight) train\b",
    )
    .trigger(r"\b(?:beach|station|bridge|footbridge|flyover|viaduct|rail|train tracks|tracks|level crossing|platform|cliff|crags|roof|top floor|ledge|multi|car park|river|canal|reservoir|quarry|pier|harbour|dock|marina|sea wall|seafront|motorway|dual carriageway|balcony|wait)")
    .guard(r"\b(?:delays?|stuck at|connection|kids|family|sandcastles?|ice creams?|surf\w*|dog|bucket|spade|sunbath\w*|sunny|paddl\w*)\b|\b(?:traffic|jam|queue|bus|taxi|uber|commut\w*|delayed|cancelled|late|photos?|view|sunset|sunrise|walk(?:ing)? the dog|dog walk|holiday|trip|hik\w*|fishing|(?:to|at|for|from) work|office|roofer|roofing|gutter|scaffold\w*|leak|tiles|selfie|tourist|picnic|lunch|terrace|bbq|barbecue|party|drinks|made it|celebrat\w*|anniversary|in a good way|proud|lovely|beautiful|gorgeous|stunning|amazing|swim\w*|boat|kayak\w*|paddl\w*|ducks|cant wait|excited|visiting|to see my|meeting|to get the car)\b|!!")
    .cue()
    .support(PLACE_SUPPORT),
    signal(
        "crisis.place-danger",
        Level::Crisis,
        "is on a ledge, on the tracks or at the edge of a drop",
        r"(?:\b(?:im|i am|ive been|been|sat|sitting|stood|standing|waiting|stuck|climbed|lying|laying|lay)\b[^.!?\n]{0,25}?|(?:(?m:^)\s*|[.!?]\s+)(?:(?:down|up|out|back|right|just) )?)\b(?:on|at|over|onto|across|in the middle of)\s+(?:the |a |this |my )?(?:(?:train |railway |rail )?tracks|railway line|rail line|ledge|parapet|(?:cliff|roof|bridge|quarry) edge|(?:edge|wall|railings?|parapet|side|ledge) of (?:the |a |this |my )?(?:\w+ )?(?:bridge|roof|cliff|building|car park|multi ?storey|balcony|tower|flyover|viaduct)|wrong side of the (?:railings|barrier|fence|rail)|railings of|railings?(?:\s*[.!?,\n]|\s*$)|edge(?:\s*[.!?,\n]|\s*$| at| here| now))\b|\b(?:im|i am|parked|sat|sitting|stood|standing|lying|stopped)\b[^.!?\n]{0,20}?\b(?:on|onto|in the middle of|across) (?:the |a )?level crossing\b|\bclimbed (?:over )?(?:the |a )?(?:fence|barrier|railings?|wall) (?:onto|on to|to|into) (?:the )?(?:track ?side|tracks|railway|line|ledge|roof|edge|other side)\b",
    )
    .trigger(r"\b(?:tracks|railway line|rail line|level crossing|ledge|parapet|edge|wall of|railing|side of|wrong side|climbed)")
    .guard(r"\b(?:surf\w*|flat white|watching the|lifes (?:good|alright|great|ok|okay))\b|\b(?:commut\w*|delayed|cancelled|late|photos?|view|sunset|sunrise|holiday|trip|hik\w*|fishing|work|office|roofer|roofing|gutter|scaffold\w*|selfie|tourist|picnic|lunch|party|drinks|made it|celebrat\w*|in a good way|proud|lovely|beautiful|reading|book|cuppa|coffee|tea|lol|haha)\b|!!"),
    // ---- crisis: farewells ------------------------------------------------
    signal(
        "crisis.farewell",
        Level::Crisis,
        "a farewell, last post or suicide note",
        r"\bthis (?:is|will be) (?:my|the) (?:last|final) (?:post|message|goodbye|time (?:im|i am|ill be) (?:posting|writing|here|on here))\b|(?:(?m:^)\s*|[.!?]\s+)(?:my )?(?:final|last) (?:post|message)(?: (?:here|on here|ever|from me))?(?:\s*[.!\n]|\s*$)|\b(?:the )?last time (?:youll|you will|anyone will|you all will) (?:hear from|see|read) me\b|\bthe last time ill (?:ever )?(?:log on|log in|post|be on here|write|have to (?:feel|deal)|feel)\b|\b(?:this is|this will be|thatll be|that will be) the last time i (?:post|write|log on|am on here|ever post)\b|\bby the time (?:you|anyone|someone|they|people) (?:read|reads|see|sees|find|finds) this\b|\bthe last thing (?:ill|i will) ever (?:write|post|say|do|type)\b|\b(?:writing|posting|saying) (?:this )?for the (?:last|final) time\b|\b(?:wont|will not|wouldnt|dont think ill|dont think i will|dont think id|not going to) be (?:around|here|alive|with you) (?:much longer|for much longer|for long|anymore|any more|after (?:tonight|today|this|the weekend|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|by (?:tomorrow|morning|the weekend|the end of (?:the|this) week|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|in (?:an|a few|\d+) (?:hours?|days?|minutes?)|an hour from now|tomorrow|to see)\b|\b(?:wont|will not) be (?:here|around) to\b|\b(?:wont|will not|not going to) be (?:posting|writing|on here|logging on|back)(?: here| on here)? (?:again|any ?more)\b|\bits been (?:nice|lovely|good|an honour) knowing (?:you|everyone|you all)\b|\b(?:goodbye|bye) (?:forever|for good|for the last time|cruel world)\b|(?:\b(?:ive|i have|i|im|i am)\s+|(?:(?m:^)\s*|[.!?]\s+))(?:just )?(?:written|wrote|left|finished|writing|finishing) (?:my |a |the )?suicide (?:notes?|letters?)\b|\b(?:my |the |a )?suicide (?:note|letter)s? (?:is |are |s )?(?:written|done|finished|ready|on my|in (?:an|the|my))\b|\bthis is goodbye\b|\b(?:this is|here is|heres) (?:my|a) (?:suicide note|goodbye (?:note|letter|message)|last message)\b|\bi(?:ll| will)(?: probably| definitely)? be dead (?:by|before|in|soon|tonight|tomorrow)\b|\bsee you (?:all )?(?:on the other side|in (?:the )?next life)\b|\bi(?:ll| will)\s+(?:finally |soon )?(?:be (?:with|seeing)|see|join) (?:my )?(?:\w+ )?(?:nan|nanna|gran|granny|grandad|grandma|mum|mom|dad|brother|sister|son|daughter|baby|husband|wife|partner|boyfriend|girlfriend|friend|bestie) (?:again|soon|in heaven|on the other side|tonight)\b|\b(?:is|will be|itll be|it will be) my last (?:day|night|birthday|christmas|weekend),? (?:full stop|period|ever|alive|on (?:this )?earth)\b|\b(?:its|this is|tonight is|today is|tonights|todays) my last (?:night|day)(?:\s*[.!,\n]|\s*$| on earth| alive| ever)|\b(?:decided|decision) (?:that )?(?:it|this|itll|it will|its|this will)(?: be| is)? my last\b|\b(?:please )?(?:dont|do not) (?:try (?:and |to )?)?(?:come )?(?:look(?:ing)? for|find|search for|come after) me\b",
    )
    .trigger(r"\b(?:this is|here is|heres|last|final|for the last|by the time|be posting|be writing|be on here|be logging|be back|be around|be here|be alive|be with|be seeing|be dead|knowing|goodbye|bye|suicide|see you|look|find|search|come after|this is goodbye|ill|i will|here to|around to)")
    .guard(r"\b(?:old (?:car|phone|flat|house|job|friend|laptop|sofa)|served (?:me|us) well)\b|\b(?:thread|topic|question|moderator|mod team|admin|role|handing over|still be around|regular member|charity shop|hoodie|always says|used to say|likes to say)\b|\bbe dead before (?:they|we|you|he|she|it|anyone|the)\b|\b(?:holiday|vacation|trip|break|hiatus|exams?|offline|camping|festival|wedding|moving|new job|for a while|for a few (?:days|weeks)|back (?:soon|next|on|in)|logging off|of the (?:day|night|year)|signing off for|going away|detox|for a (?:month|week|fortnight)|see you (?:all )?(?:in|on|next|soon)|phone|signal|wifi|until|chapter|season|episode|series|novel|thriller|detective|story|fiction|film|book|character|better|recovery|proud|move|blog|site|website|channel|page|newsletter|column|podcast)\b")
    .not_negatable()
    .any_time(),
    signal(
        "crisis.giving-away",
        Level::Crisis,
        "giving their things or pets away, settling affairs",
        r"\bgiv(?:e|ing|en) (?:away )?(?:all )?(?:of )?(?:my|away my) (?:things|stuff|belongings|possessions|cat|dog|pets?|clothes|games|books|guitar|savings|ps\d|xbox|laptop|bike|jewellery|records)(?: away)?\b|\b(?:gave|given|giving) (?:my )?(?:cat|dog|pets?) to\b|\b(?:the|my) (?:dog|cat|pets?)(?:s| has| have|s been)? (?:gone|going|been rehomed) (?:to|with)\b|\brehom(?:ed|ing) (?:the|my) (?:cat|dog|pets?) (?:with|to)\b|\bwho gets what\b|\b(?:labelled|labeled) (?:with|for) (?:who|whom)\b|\b(?:who|someone) (?:will|can|could) (?:have|take|look after) my (?:cat|dog|pets?|things|stuff)\b|\bcancel(?:led|ed|ling)? (?:my )?(?:phone )?(?:contract|subscriptions?|direct debits?)\b|\bpaid off what i could\b",
    )
    .trigger(r"\b(?:giv|gave|dog|cat|pet|rehom|who gets|label|my things|my stuff|cancel|paid off)")
    .guard(r"\b(?:while i|when im away|on holiday|in hospital|declutter\w*|charity shop|spring clean|car boot|moving (?:house|out|abroad)|moving to|allerg\w*|landlord|because|new baby|outgrown|too small|upgrad\w*|ebay|vinted|selling|sold|free to collect|switch\w*|new (?:phone|provider|deal|contract))\b")
    .veto(concat!(upbeat!(), "|", bereaved!()))
    .cue(),
    signal(
        "farewell.weak",
        Level::Crisis,
        "a goodbye, thanks or request that may be a farewell",
        r"\bthank(?:s| you)(?: (?:all|everyone|guys|so much))? for (?:everything|all the (?:banter|chats|laughs|memories)|(?:all )?(?:the|your) \w+ over the years|being there|being my friends?)\b|\bcheers for everything\b|\bthank you and goodbye\b|\b(?:goodbye|bye) (?:everyone|all|guys|everybody|friends|to everyone|you all)\b|\bsay(?:ing)? goodbye to (?:everyone|you all|all of you)\b|\b(?:said|say|saying) my goodbyes\b|\b(?:said|say|told them) (?:what|everything) i (?:needed|wanted|had) to (?:say|tell)\b|\bim sorry for everything\b|\b(?:im|i am) (?:so )?sorry(?:\s*[.!\n]|\s*$)|\b(?:im )?sorry (?:mum|mom|mam|dad|everyone|guys|all|mummy|daddy)(?:\s*[.!,\n]|\s*$)|\b(?:im )?sorry (?:to everyone|everyone|for being (?:such )?a burden)\b|\btell (?:my |them |her |him )?(?:family |mum |mom |dad |kids |parents |\w+ )?(?:from (?:the )?\w+ (?:\w+ )?)?(?:i love (?:them|her|him|you)|im sorry)\b|\btell (?:my |them |her |him |the )?(?:\w+ ){0,2}?(?:that )?(?:i|their (?:dad|mum|mom|mother|father)|mummy|daddy) (?:love|loved|loves|am sorry|was sorry|m sorry)\b|\b(?:none of (?:this|it) (?:is|was)|its not|it isnt|it wasnt|it is not|it was not) (?:your|her|his|their|anyones) fault\b|\b(?:look after|take care of) (?:my (?:cat|dog|kids|mum|family|pets?|boy|girl)|each other|yourselves)(?: for me| when im gone)?\b|\b(?:can|could|will) (?:someone|somebody|anyone) (?:please )?(?:look after|take care of|feed|check on|make sure)\b|\bmake sure \w+ is (?:ok|okay|alright|fed|looked after)\b|\bwhen im gone\b|\bbefore i go(?:\s*[.!,\n]|\s*$)|\bdont be sad\b|\b(?:i )?love you (?:all|both|guys)\b|\bim at peace\b|\bfinally (?:going to )?(?:be |get (?:some )?)?(?:free|at peace|peace)\b|\bno more pain soon\b|\bput my affairs in order\b|\bsorted (?:out )?(?:my|the) (?:will|affairs|paperwork)\b|\bgoodbye\b|\byou (?:were|have been|ve been) the only (?:ones?|people|person) who\b|\bif (?:anyone|someone) (?:sees|reads|finds) this\b|\bfirst and last post\b|\b(?:please )?forgive me(?:\s*[.!,\n]|\s*$)|\b(?:ive|i have|i) (?:arranged|sorted|organised|organized|planned) everything\b|\b(?:instructions|wishes|plans?|arrangements|music|songs?) for my funeral\b|\bmy funeral (?:plans|arrangements|wishes|music)\b|\bplanned my (?:own )?funeral\b|\b(?:just )?want(?:ed)? (?:someone|somebody|anyone|someone on here|you all|you guys) to know\b|\b(?:just )?want(?:ed)? to (?:tell|say it to) (?:someone|somebody|anyone|you all|you guys)\b|\bthank(?:s| you) for trying\b|\b(?:please )?(?:dont|do not) worry(?: about me)?(?:\s*[.!,\n]|\s*$| guys| everyone| x)|\b(?:wont|will not|dont|do not) (?:need|be needing) (?:it|them|this|any of (?:it|them|this)|my \w+)(?: anymore| any more| where im going| after \w+)?\b|\bwhere im going\b|\b(?:wont|will not|not|no|never) (?:be )?coming (?:back|home|out of this)\b|\beverything(?:s| is) in order\b|\b(?:please )?delete my (?:account|profile)\b|\b(?:deleted|deleting) my (?:insta|instagram|facebook|accounts?|socials|twitter|tiktok)\b|\b(?:gave|given|giving|wrote|written|writing|left) (?:\w+ ){0,3}?(?:my )?(?:\w+ )?passwords?\b|\b(?:writing|written|wrote|leaving|left|finished|finishing) (?:\w+ ){0,3}?(?:notes?|letters?)(?: (?:to|for) (?:my|the|each|everyone|them|\w+))?\b|\b(?:written|wrote|writing) (?:them|him|her|everyone) (?:each )?(?:a )?(?:notes?|letters?)\b|\b(?:notes?|letters?)(?: is| are|s)? (?:written|done|finished|ready)\b|\b(?:the |a |my )?(?:notes?|letters?) (?:is|are|s) (?:on|in|under|by) (?:the|my) (?:kitchen |bedside |dining )?(?:table|bed|desk|side|drawer|pillow|door|mantelpiece|counter)\b|\bfeel(?:ing)? (?:\w+ )?calm about (?:it|everything)\b",
    )
    .trigger(r"\b(?:thank|cheers|goodbye|bye|sorry|tell|fault|look after|take care|someone|somebody|anyone|make sure|when im gone|before i go|be sad|love you|at peace|finally|no more pain|affairs|sorted|the only|if anyone|if someone|first and last|need|where im going|coming|in order|delet|password|note|letter|calm|to know|i love|to tell|written|done|finished|ready|worry|said|say|told them|funeral|planned my|forgive|arranged|organis|organiz|planned)")
    .guard(r"\b(?:this (?:week|year|weekend|month)|today|when im gone (?:for|on|to)|feeling (?:much |so |a lot )?better|doing (?:well|better|ok|okay)|recovered|recovering|saved my life|so grateful|grateful|happy|got the job|passed|new job|moving (?:house|to|on)|see you (?:around|soon|next|tomorrow|later)|back soon|until next time|for now|later|holiday|trip|taking a break|off to|goodbye to (?:my|the) (?:old|job|house|flat)|goodbye (?:to|from) (?:my|the|her|him|them|mum|dad)|(?:at|after|from|to|before) (?:the|his|her|their|a|(?:my|our) \w+s) funeral|getting me (?:here|through)|upgrad\w*|selling|free to collect|wedding|retir\w*|new chapter|leaving do|farewell (?:party|do)|after (?:dad|mum|\w+) (?:passed|died)|solicitor|grown up|forgot|reset|hacked|new phone|cover letter|application|mp|council|complaint|thank you card|christmas cards?|birthday cards?)\b")
    .not_negatable()
    .any_time()
    .veto(concat!(upbeat!(), "|", bereaved!()))
    .cue(),
    // ---- crisis: third parties -------------------------------------------
    signal(
        "crisis.third-party",
        Level::Crisis,
        "someone else intends to end their life",
        concat!(
            third!(),
            r"[^.!?\n]{0,90}?\b(?:(?:is |s |was )?(?:going to|gonna|about to|plans? to|planning to|threatening to|threatened to|will)|(?:said|says|saying|told me|telling me|texted|texting|messaged|messaging|posted|rang me|phoned me|called me|threatened|threatening|keeps saying)[^.!?\n]{0,30}?\b(?:she|he|they)(?:ll| will| would| is going to| are going to| was going to| were going to|s going to|re going to|s gonna| is gonna| gonna|s about to| is about to| was about to))\s+(?:\w+ )?(?:kill (?:him|her|them)sel(?:f|ves)|end (?:his|her|their) (?:own )?life|end it(?: all)?|take (?:his|her|their) (?:own )?life|hang (?:him|her|them)self|top (?:him|her|them)self|jump(?: off| from| in front of| and| then| now| tonight|\s*[.!?,\n]|\s*$)|overdose|od\b|unalive|drive (?:it |the car |his car |her car |their car |the van )?(?:into|off)|walk into|step in front of|throw (?:him|her|them)sel(?:f|ves)|take (?:all|every one) of (?:his|her|their)|take (?:all )?(?:his|her|their) (?:pills|tablets|meds))",
            r"|(?:",
            third!(),
            r"[^.!?\n]{0,60}?\b|\b)(?:shes|hes|theyre|she is|he is|they are) (?:walking|going|heading|driving|on (?:her|his|their) way) (?:into|to|off|towards|in front of) (?:the |a )?(?:\w+ )?(?:sea|river|bridge|cliffs?|railway|tracks|train|canal|roof|car park|motorway|quarry|lake|reservoir)\b",
        ),
    )
    .trigger(concat!(r"\b(?:he|she|they|", someone!(), ")"))
    .guard(r"\b(?:died|passed away|funeral|years ago|last year|anniversary|in the (?:film|book|show|game)|character|jump (?:ship|the gun|the queue|at|on|for joy|in(?:to)? the (?:pool|sea|lake|shower))|bungee|parachute|skydiv\w*|trampoline|plane|charity|sponsored|dare|lol|haha|swim\w*|holiday|day out|for a walk|paddl\w*|surf\w*|fishing|chips|ice cream)\b|\bif (?:i|we|you) (?:leave|go|break up|dont|do not|tell|say|ever)\b"),
    signal(
        "crisis.third-party-act",
        Level::Crisis,
        "someone else has taken an overdose, cut badly or is at a bridge or roof",
        concat!(
            r"(?:",
            third!(),
            r"|\b(?:he|she|they))[^.!?\n]{0,20}?\b(?:taken|took|swallowed|injected|downed|necked|had)\s+(?:an? )?(?:\w+ )?(?:overdose|od\b|(?:loads|a load|a lot|lots|a handful|too many|a whole (?:box|packet|bottle)|the whole (?:box|packet|bottle)|every one|a bunch|a bottle|a box|a packet|a pack|a strip|a tub|a blister pack|half a (?:box|packet|bottle|pack)|\d{2,})(?: of)? (?:(?:his|her|their|the|my|mums?|dads?) )?(?:\w+ )?",
            drugs!(),
            r")\b|(?:",
            third!(),
            r"|\b(?:he|she|they))\s+(?:has |have |s |ve |just |already |had )*(?:overdosed|od(?:d|ed)|cut (?:him|her|them)sel(?:f|ves) (?:badly|deep|really bad|too deep)|drank (?:bleach|antifreeze|poison))\b|(?:",
            third!(),
            r"|\b(?:he|she|they))\s+(?:is|are|s|re|was) (?:now |still |just )?(?:unconscious|not breathing|unresponsive|barely breathing|turning blue|fitting|not waking up)\b|(?:",
            third!(),
            r"|\b(?:he|she|they))\s+(?:is|are|s|re) (?:outside |out |up |still |now )?(?:on|at|standing on|sitting on|up on) (?:the |a )?(?:edge of (?:the |a )?)?(?:bridge|roof|ledge|(?:train |railway )?tracks|railway|cliff|cliffs|top floor|multi ?storey)\b",
            r"|\b(?:said|saying|says|told me|texted|messaged|rang|phoned|called)\b[^.!?\n]{0,30}?\b(?:shes|hes|theyve|she has|he has|they have|she|he|they) (?:just |already )?(?:taken|took|swallowed|injected|downed) (?:all|every one|the lot)\b",
            r"|(?:",
            third!(),
            r"|\b(?:he|she|they))\s+(?:has |have |s |ve |just |now )*(?:climbed|climbing|gone|went|got|getting) (?:up |out )?(?:onto|on to|on|up|over|out on) (?:the |a )?(?:edge of (?:the |a )?)?(?:roof|ledge|bridge|railings|parapet|balcony|tracks|railway|cliff|cliffs)\b",
            r"|\blocked (?:him|her|them)sel(?:f|ves) in\b[^.!?\n]{0,30}\bwith (?:a|the|some|his|her|their) (?:knife|blade|blades|razor|rope|gun|pills|tablets)\b",
        ),
    )
    .trigger(concat!(r"\b(?:locked|he|she|they|", someone!(), ")"))
    .guard(r"\b(?:years ago|last year|when (?:i|he|she|they) (?:was|were) (?:little|young|a kid|younger)|in the (?:film|book|show|game)|character|died|passed away|funeral|as prescribed|on time|every (?:morning|day|night)|with (?:food|breakfast|dinner)|(?:her|his|their) (?:morning|evening|usual)|accident\w*|by mistake|like (?:she|he|they) (?:should|is supposed to|was told)|supposed to|as (?:she|he|they) should|prescribed|dosette|carers?|thinking (?:they|it) (?:were|was)|sweets|toddler|caffeine|coffee|energy drinks?|sugar|chocolate|lol|haha)\b"),
    signal(
        "crisis.third-party-alarm",
        Level::Crisis,
        "someone else sent a goodbye, apology or a photo of a bridge or their wrists",
        concat!(
            r"(?:",
            third!(),
            r"|\b(?:he|she|they)|\b(?:someone|somebody) (?:in|on|from) (?:our|my|the|this) \w+)[^.!?\n]{0,40}?\b(?:sent|sending|texted|texting|messaged|messaging|rang|rung|ringing|phoned|called|posted|posting|put|wrote|typed|left|said|says|saying)\b[^.!?\n]{0,60}?\b(?:goodbye|bye|sorry (?:for everything|to everyone)|sorry(?: everyone)?(?:\s*[.!?,\n\x22]|\s*$)|love you|loves? (?:you|us|me|them)|(?:hes|shes|theyre|im) (?:so )?sorry\b|(?:hes|shes|theyre|im) \x22?done|\x22done\x22|sorted (?:his|her|their) affairs|(?:wont|will not) be (?:a burden|around|here)|(?:not|never) coming (?:back|home)|for good|see you on the other side|(?:a |the )?(?:photo|pic|picture|video|snap|selfie|screenshot) (?:of|from) (?:the |a |his |her |their )?(?:top of (?:the |a )?)?(?:\w+ ){0,3}?(?:railway|tracks|train|bridge|roof|cliffs?|edge|river|pills|tablets|wrists?|arms?|blood|ledge|multi ?storey|car park|top floor)|(?:a |his |her |their )?(?:suicide )?(?:note|letter)s?)\b",
        ),
    )
    .trigger(concat!(r"\b(?:he|she|they|someone|somebody|", someone!(), ")"))
    .guard(r"\b(?:years ago|last year|died|passed away|funeral|holiday|moving|new job|wedding|birthday)\b")
    .not_negatable()
    // Not all of `upbeat!`: "night all" and "see you on the other side" are
    // what a friend's goodbye says.
    .veto(r"\b(?:doing (?:so |much |a lot |really )*(?:better|well|great)|got the job|new (?:job|chapter|flat|house|start)|happy (?:new year|christmas|holidays|birthday)|see you (?:all )?(?:soon|tomorrow|later|next)|back (?:soon|next|in a)|holiday|wedding|so proud|cant wait|(?:just )?kidding|jk|lol|lmao|haha)\b")
    .cue()
    .support(concat!(
        unreachable_cue!(),
        r"|\bfrom (?:the |a )?(?:\w+ ){0,2}?(?:bridge|viaduct|cliffs?|roof|tracks|railway|station|platform|beach|river|car park|motorway)\b"
    )),
    signal(
        "crisis.third-party-signs",
        Level::Crisis,
        "signs someone else has harmed themselves (empty blister packs, took the blades, left a note)",
        concat!(
            r"\bempty (?:blister )?(?:packs?|packets?|pill (?:bottles?|packets?|packs?)|boxes?|bottles?)(?: of (?:\w+ )?",
            drugs!(),
            r")?\b|\b(?:he|she|they)\s+(?:has |have |s |ve |just |already )*(?:taken|took|got|grabbed) (?:the|my|his|her|their|all the) (?:razor ?)?(?:blades?|razors?|knife|knives|rope)\b|(?:",
            third!(),
            r"|\b(?:he|she|they))(?: has| have|s|ve)(?: got)? (?:a|the|some) (?:rope|knife|blade|razor|gun|noose|pills)\b|(?:",
            third!(),
            r"|\b(?:he|she|they))[^.!?\n]{0,20}?\b(?:taken|took|swallowed|injected|downed|necked)\s+all (?:of )?(?:his|her|their) (?:\w+ )?",
            drugs!(),
            r"\b|(?:",
            third!(),
            r"|\b(?:he|she|they))\s+(?:has |have |s |ve )?(?:went|gone|left|driven|drove|walked) (?:off |out |the house |home |the flat |in the car )?with (?:a|the|some|his|her|their) (?:rope|knife|blades?|razor|gun|pills|tablets)\b|\b(?:taken|took|taking) (?:all )?(?:his|her|their) (?:pills|tablets|meds|rope|knife|gun|shotgun) with (?:him|her|them)\b|\b(?:left|leaving) (?:his|her|their) (?:phone|wallet|keys)\b|\b(?:a|his|her|their) (?:suicide )?(?:note|letter) (?:to|for) (?:his|her|their|us|me|the family|everyone)\b|\b(?:photo|pic|picture) of (?:his|her|their) (?:wrists?|arms?|cuts|legs?)\b|\bhasnt come out of (?:his|her|their) room\b|\b(?:razors?|blades?|knife|knives|pills|tablets|rope|belt)(?: is| are|s)? missing\b|\b(?:shes|hes|theyve|she has|he has|they have|she|he|they) (?:just )?(?:taken|took|swallowed|had) (?:something|some pills|pills|tablets|some tablets)\b|\b(?:he|she|they)\s+(?:has |s |have |ve )?left (?:a|his|her|their) (?:suicide )?(?:note|letter)\b|\bblood (?:under|on|behind|coming from|seeping (?:from|under)) the (?:bathroom )?door\b|\b(?:he|she|they)(?:s| has| have|ve) (?:done|taken|swallowed|had) something (?:stupid|silly|bad|dangerous)\b|\bcovered in blood\b",
        ),
    )
    .trigger(concat!(r"\b(?:razor|blade|knife|knives|pills|tablets|rope|belt|empty|he|she|they|his|her|their|photo|pic|hasnt come out|blood|note|letter|", someone!(), ")"))
    .guard(r"\b(?:years ago|last year|died|passed away|funeral|recycl\w*|bins?|shaving|cooking|kitchen|climbing|camping|allotment|garden|shoot\w*|hunting|like (?:she|he|they) (?:should|is supposed to|was told)|supposed to|as (?:she|he|they) should|prescribed|dosette|carers?|without a fuss)\b")
    .not_negatable()
    .cue()
    .support(concat!(r"\btonight\b|\bright now\b|", unreachable_cue!())),
    // ---- high: thoughts -------------------------------------------------
    signal(
        "high.wants-to-die",
        Level::High,
        "wants to die or to end their life",
        concat!(
            r"\b(?:i |i just |i really |i honestly |just |really |honestly |i genuinely |genuinely |i still |still )?(?:want|wanna|wanted|wanting|wish i could|need|needed|feel like|felt like|tempted|long|longing|urge|urges) (?:to )?",
            intens!(),
            r"(?:die|be dead|",
            self_kill!(),
            r"|overdose|jump off|jump in front|end it(?: all)?\b|not be alive|rope\b)",
            r"|\bpart of me (?:still )?(?:wants|want|wanted) to (?:die|be dead|kill my ?self|end it)\b",
            r"|\b(?:(?:this|so|very|really|dangerously) )?close to (?:",
            self_kill!(),
            r"|killing my ?self|ending (?:it all|my life|it))",
            r"|\bon the (?:verge|brink|edge) of (?:",
            self_kill!(),
            r"|killing my ?self|ending (?:it all|my life|it))",
            r"|\b(?:wish i (?:was|were) brave enough|wish i had the (?:guts|courage|nerve)|(?:im )?too (?:scared|much of a coward|cowardly) to|(?:i should|i might as well|might as well|better off)) (?:just )?(?:to )?(?:die|be dead|",
            self_kill!(),
            r"|killing my ?self|kill my ?self|do it|end it(?: all)?\b)",
            r"|\b(?:id|i would) (?:much )?rather (?:be dead|die)\b",
            r"|\b(?:use|turn) (?:a|the|my|his|dads) (?:\w+ )?(?:gun|shotgun|rifle|pistol) on my ?self\b",
            r"|\b(?:easier|better|best) (?:for everyone )?(?:to|if i) (?:just )?(?:end (?:my life|it all|it)|kill my ?self|die|was dead|were dead|killed my ?self)\b",
            r"|\b(?:being dead|dying|death) (?:would be|would feel|seems|feels|is) (?:so much |much |a lot )?(?:easier|better|a relief|preferable|the answer|the only way)\b",
            r"|\bwant (?:it|everything|it all|the pain|this) (?:all )?to (?:stop|end) (?:for good|permanently|forever)\b",
        ),
    )
    .trigger(r"\b(?:want|wanna|wish|need|feel like|felt like|tempt|long|urge|part of me|too |should|might as well|better|rather|dead|dying|death|easier|best|use|turn|close to|on the)")
    .guard(r"\b(?:lol|lmao|haha|rofl)\b|\b(?:jokes?|joking|overused|memes?|tiktok|phrase|expression|saying|media studies|lesson|respond|response|dark humou?r)\b|\x{1F602}|\x{1F923}|\x{1F644}|\x{1F480}|\x{1F355}|\x{1F605}|\x{1F606}|\x{1F921}|\x{1F643}|\x{1F60F}|\bdie (?:my|her|his|their|your) (?:hair|clothes|jeans|shirt)\b|\bdie (?:of|from|laughing|for)\b|\bdying (?:to|for)\b|\bwanted to die (?:when|at|after) (?:i|the|my|he|she)\b|\bto die for\b|\b(?:embarrass\w*|cringe|awkward|mortif\w*|humiliat\w*)\b|\b(?:character|game|film|movie|book|song|lyric)\b|\bend (?:it|things) (?:with|between)\b|\b(?:makes?|made|making) me (?:\w+ )?(?:want|wanna) (?:to )?(?:die|kms|kill my ?self)\b[^.!?\n]*(?:lol|lmao|haha|\x{1F602}|\x{1F480}|\x{1F644}|\x{1F62D})|\b(?:relationship|things with|marriage|engagement|contract|subscription|the call|argument|conversation)\b|\brather (?:be dead|die) than (?:go|do|sit|wear|eat|listen|watch|work|be seen|admit|miss|lose|use|drive|take|spend|pay|get)\b"),
    signal(
        "high.suicidal",
        Level::High,
        "says they are suicidal or having suicidal thoughts",
        concat!(
            r"\b(?:im|i am|i feel|i felt|i was|ive been|i have been|feeling|felt|feel|been|being|getting|so|really|very|extremely|quite|a bit|pretty|still|actively|passively)\s+",
            intens!(),
            r"(?:suicidal|sewer ?slidal)\b",
            r"|(?:(?m:^)\s*|[.!?]\s+)(?:so |very |really )?(?:suicidal|sewer ?slidal)(?:[.,! \n]{1,3}(?:again|today|tonight|lately|at the moment|right now|as (?:hell|fuck)|af)\b|\s*[.!?\n]|\s*$)",
            r"|\b(?:suicidal|suicide|kms|sewer ?slide|unalive) (?:thoughts|feelings|ideation|urges|thinking)\b[^.!?\n]{0,40}\b(?:again|tonight|today|right now|lately|at the moment|recently|back|loud|louder|bad|worse|constant|every day|all day|wont stop|getting|since|all the time|so strong|stronger|intense|overwhelming|unbearable|this week|every night|at night|non ?stop|really|so)\b",
            r"|\b(?:having|have|get|getting|been having|had)\s+",
            intens!(),
            r"(?:bad |really bad |awful |strong |constant |intrusive )?(?:suicidal|suicide) (?:thoughts|feelings|ideation|urges)\b",
            r"|\bthoughts of (?:suicide|killing my ?self|ending (?:it|it all|my life|things)|taking my (?:own )?life)\b",
        ),
    )
    .trigger(r"\b(?:suicid|sewer|kms|unalive|thoughts of)")
    .veto(r"\bfor (?:my|a|our) (?:research|essay|dissertation|assignment|study|course|project|module)\b")
    .guard(r"\bhow to (?:talk to|help|support|approach|respond)\b|\b(?:friend|someone|somebody|person|people|partner) who\b|\byour (?:friend|partner|child|kid|son|daughter|loved one)\b|\btells? you\b|\btold you\b|\bhow (?:do|can|should) (?:you|i|we) (?:help|support)\b|\b(?:friend|partner|son|daughter|sister|brother|mum|dad|character|patients?|clients?|students?)(?:s)? (?:is|are|was|were|has been|have been|feels?) suicidal\b|\b(?:awareness|prevention|statistics|research|article|documentary|training|course|webinar|policy)\b|\b(?:asked|asks|ask|asking) (?:me )?(?:if|whether|about)\b|\b(?:support|help|helping|supporting) (?:someone|somebody|a friend|people|others)\b|\b(?:ask|asking) (?:someone|somebody|a friend|them|people)\b|\bif (?:theyre|they are|hes|shes|someone is|someones) (?:feeling )?suicidal\b"),
    signal(
        "high.thoughts",
        Level::High,
        "thinks about or plans how to end their life",
        concat!(
            r"\b(?:think|thinks|thinking|thought|thoughts|daydream\w*|dream\w*|fantasi[sz]\w*|obsess\w*|picturing|imagining|planning|planned|plan|going over|running over|researching)\s+(?:\w+\s+){0,3}?(?:about|of|on)\s+(?:how (?:id|i would|i could|i might|i will|ill|to|best to) )?",
            r"(?:kill(?:ing)? my ?self|top(?:ping)? my ?self|off(?:ing)? my ?self|unaliv(?:e|ing) my ?self|hang(?:ing)? my ?self|k ?m ?s\b|end(?:ing)? (?:my (?:own )?life|it all|things|everything|it(?:\s*[.!?,\n]|\s*$))|tak(?:e|ing) my (?:own )?life)",
            r"|\b(?:planning|planned|plan|thinking about|researching|picturing) my (?:own )?(?:suicide|death|exit)\b",
            r"|\b(?:making|made|make|have|got|started|start) (?:a |some )?plans? (?:to|for how to|about how to|how to) (?:kill my ?self|die|end my life|end it|take my (?:own )?life)\b",
            r"|\b(?:planning|planned|plan|going over|running over|thinking|thought|working out|worked out)\s+(?:\w+\s+){0,4}?how (?:id|i would|i could|i might|ill|i will|to) (?:do it|end it|go about it)\b",
            r"|(?:\b(?:i|ive|im|i am|i have|i had|been|keep|kept|still|started|start|cant stop|constantly|always|often|seriously|actively|i keep|more and more i|every day i|i often|i still|and|then|but)\s+|(?:(?m:^)\s*|[.!?]\s+))",
            intens!(),
            r"(?:thinking|think|thought|having thoughts|get thoughts|getting thoughts|dreaming|daydreaming|fantasi[sz]ing|obsessing)\s+(?:\w+\s+){0,2}?(?:about|of)\s+",
            intens!(),
            r"(?:suicide|sewer ?slide|dying|being dead|not being (?:here|alive|around)|checking out(?:\s*[.!?,\n]|\s*$)|how (?:id|i would|to) (?:do it|die)|stepping (?:out )?in front of|jumping (?:off|in front of|from)|jumping(?:\s*[.!?,\n]|\s*$)|(?:driving|swerving|veering|steering) (?:my car |the car )?(?:into|off|in front of)|crashing (?:my|the) car|walking into (?:the )?(?:sea|river|traffic)|overdosing|taking (?:all )?(?:my|the) (?:pills|tablets|meds)|taking them all|taking all of them|(?:using|turning) (?:a|the|my|his|dads) (?:\w+ )?(?:gun|shotgun|rifle|pistol|knife|rope|razor|blade) on my ?self|throwing my ?self|hanging|ways to (?:die|do it|end it|make sure i (?:dont|never|wont)\b))",
            r"|\b(?:thoughts|thinking|urges?) (?:about|of) (?:stepping|jumping|throwing my ?self|walking|driving|crashing|lying|swerving|veering|steering) (?:out )?(?:my car |the car )?(?:in front of|off|into|under|down on)\b",
            r"|\b(?:only|the only|best) (?:way out|option|answer|solution|escape) (?:is|would be|left is) (?:to )?(?:die|dying|death|suicide|end (?:it|my life)|ending (?:it|my life)|kill(?:ing)? my ?self)\b",
            r"|\b(?:end|ending) up (?:killing|topping|offing|unaliving|hanging) my ?self\b",
            r"|\b(?:would|wouldve|would of|couldve|could) (?:have |of )?(?:killed|ended|taken) my (?:self|life|own life)\b|\b(?:id|i would|i ?d) (?:have )?(?:end(?:ed)? it|kill(?:ed)? my ?self|be dead|have ended it) (?:otherwise|by now|if (?:it wasnt|it werent|not|i didnt))\b|\b(?:the )?only (?:reason|thing) (?:im|i am|keeping me|that keeps me) (?:still )?(?:here|alive|going)\b",
            r"|\b(?:suicide|dying|death|killing my ?self|ending it|ending my life)\b (?:is|would be|seems|feels like|looks like) (?:the |my )?(?:only|best|easiest|last) (?:way out|option|answer|solution|way|choice|escape)\b",
            r"|\b(?:imagin\w*|pictur\w*|fantasi[sz]\w*|visuali[sz]\w*) (?:my ?self )?(?:killing|topping|unaliving|hanging|ending|jumping|overdosing|drowning|slitting|dying)\b",
            r"|\b(?:anyone else|does anyone|do you ever|you ever)\b[^.!?\n]{0,40}\b(?:want(?:s|ing)? to (?:die|kill (?:them|your)sel(?:f|ves)|end it)|(?:think|thinking|thoughts) (?:about|of) (?:suicide|killing (?:them|your)sel(?:f|ves)|dying|ending it))\b",
            r"|\b(?:going to|gonna|will) (?:end up )?(?:kill(?:ing)?|top(?:ping)?|end(?:ing)?) (?:my ?self|my life)\b[^.!?\n]{0,20}\b(?:eventually|one day|someday|some day|at some point|in the end|sooner or later)\b",
            r"|\b(?:suicide|sewer ?slide|killing my ?self|ending it|ending my life|dying|kms)(?:s\b|\b) ?(?:is |has been |s )?(?:always |constantly |all |never )?(?:on my mind|in my head|all i (?:can )?think about|(?:never |not )?(?:leaving|leaves) my (?:mind|head))\b",
            r"|\b(?:thinking|think|thought) (?:that )?i (?:should|might as well) (?:just )?(?:die|kill my ?self|end it|end my life)\b",
            r"|\b(?:thinking|think|thought|thoughts) (?:to|of) (?:end it|end my life|kill my ?self|die|suicide)\b",
            r"|\b(?:im going to|im gonna|i am going to|ill|i will) (?:kill|top|end) (?:my ?self|my life|it all) if\b",
            r"|\b(?:kys|kill your ?self)\b[^.!?\n]{0,30}\b(?:to|at) my ?self\b|\b(?:tell|telling|told|say|saying) my ?self to (?:kys|die|kill my ?self)\b",
        ),
    )
    .trigger(r"\b(?:think|thought|dream|daydream|fantasi|obsess|pictur|imagin|plan|going over|running over|research|working out|worked out|urge|only|best|end up|imagin|visuali|use|turn|death|would|could|id|i d|ending|going to|gonna|will|ill|anyone|do you|you ever|suicide|sewer|killing|dying|kms|kys|kill your|tell|told|say)")
    .guard(r"\x{1F602}|\x{1F923}|\x{1F644}|\x{1F480}|\x{1F355}|\x{1F605}|\x{1F606}|\x{1F921}|\x{1F643}|\x{1F60F}|\bif (?:i have to|i hear|i see|anyone|someone|he|she|they|you)\b|\bone more\b|\b(?:lol|lmao|haha)\b|\b(?:of (?:cancer|covid|a heart attack)|in my sleep|health anxiety|plane|flying|film|movie|book|character|essay|novel|story|research|article|documentary)\b|\b(?:asked|asks|ask|asking) (?:me )?(?:if|whether|about)\b"),
    signal(
        "high.thoughts-vague",
        Level::High,
        "has thought 'about it' seriously (with another sign of what 'it' is)",
        r"\b(?:thought|thinking|think) about it (?:properly|seriously|for real|a lot|more and more)\b|\bseriously (?:thought|thinking|think) about it\b|\b(?:thinking|thought|think) about how(?:\s*[.!?,\n]|\s*$| i would| id| to| i could| i might| i can)",
    )
    .trigger(r"\b(?:thought|think|seriously)")
    .cue(),
    signal(
        "high.kill-myself",
        Level::High,
        "speaks of killing themselves in the first person",
        r"\b(?:kill(?:ing)? my ?self|top(?:ping)? my ?self|off(?:ing)? my ?self|neck(?:ing)? my ?self|unaliv(?:e|ing) my ?self|end(?:ing)? my (?:own )?life|tak(?:e|ing) my (?:own )?life|hang(?:ing)? my ?self|do(?:ing)? my ?self in)\b",
    )
    .trigger(r"\b(?:kill|top|off|neck|unaliv|end|tak|hang|do)")
    // The first person is in the words themselves ("kill myself", "my
    // life"), so no other sign is needed; what remains are idioms, jokes,
    // stories and questions someone else asked.
    .guard(r"\b(?:could|would) (?:\w+ )?kill my ?self (?:for|if|over|laughing)|kill my ?self laughing|\b(?:lol|lmao|haha|jk|joking|kidding|rofl)\b|\bkill my ?self if (?:i have to|i hear|i see|anyone|someone|he|she|they|you|one more)\b|\b(?:film|movie|book|character|episode|game|song|lyrics?|article|documentary|news|research|study|training|dissertation|essay|novel|story|chapter|poem)\b|\binto (?:my|your) own hands\b|\b(?:asked|asks|ask|asking) (?:me )?(?:if|whether|about)\b|\b(?:questionnaire|assessment|form)\b"),
    signal(
        "high.self-kill",
        Level::High,
        "mentions suicide or ending it all (with another sign it is about them)",
        // The forms with "myself" or "my life" are `high.kill-myself`; these
        // ("suicide", "kms", "end it all") may be about anyone or anything.
        r"\b(?:k ?m ?s|end(?:ing)? (?:it all|everything|my existence)|commit(?:ting)? (?:suicide|sewer ?slide)|leav(?:e|ing) this (?:world|earth|life)|suicide|sewer ?slide|unaliv(?:e|ing))\b",
    )
    .trigger(r"\b(?:kill|k ?m ?s|top|off|neck|unaliv|end|tak|hang|commit|do(?:ing)? my|suicide|sewer|leav)")
    .guard(r"\b(?:likely|rates?|statistics|percent|per cent|men are|women are|fundraiser|walk|data|figures|leading cause|word|words|term|tiktok|slang|instead of)\b|\b(?:could|would) (?:\w+ )?kill my ?self (?:for|if|over|laughing)|kill my ?self laughing|\b(?:lol|lmao|haha|jk|joking|kidding)\b|career suicide|social suicide|political suicide|suicide squad|suicide (?:prevention|awareness|rates?|statistics|bombers?|doors|run|king|mission|intervention|storyline|risk|assessments?|first aid|training|course|talk|lecture|module|policy|helpline|hotline)|\b(?:learned|learnt|learning|taught|teaching|lecture|seminar) about\b|\b(?:film|movie|book|character|episode|game|song|lyrics?|article|documentary|news|research|study|training|dissertation|assembly|novel|thriller|chapter)\b|\b(?:lost|losing) (?:\w+ ){0,3}to suicide\b|\bdied by suicide\b|\b(?:he|she|they|his|her|their) (?:took|take) (?:his|her|their)|\bcommitted suicide\b|\bsuicide (?:of|note of)\b|\b(?:his|her|their|(?:brother|sister|mum|mom|dad|son|daughter|friend|uncle|aunt|cousin|partner|husband|wife|grandad|nan)s) suicide\b|\banniversary\b|\b(?:help|support|supporting|helping) (?:someone|a friend|people|others)\b|\bwhat (?:to|do you) (?:say|do)\b")
    .needs_support(),
    signal(
        "high.method-seeking",
        Level::High,
        "looks up methods or lethal amounts",
        concat!(
            r"\bhow (?:many|much) (?:\w+ ){0,2}?(?:",
            drugs!(),
            r"|mg)\b[^.!?\n]{0,40}\b(?:kill|die|fatal|lethal|overdose|od|not wake up|never wake up|end it|be enough to|would (?:it )?take|it takes|does it take|to take)\b|\b(?:would|will|is|are) \d+ (?:\w+ )?(?:pills|tablets|paracetamol|painkillers|sleeping pills|co-?codamol|codeine|sertraline|insulin|lithium) (?:be )?enough\b|\b(?:lethal|fatal) (?:dose|amount)\b|\b(?:painless|quickest|easiest|best|surest|quick|easy) (?:way|method) to (?:die|kill my ?self|end (?:it|my life)|go|do it)\b|\bhow (?:long|quickly) (?:does it|would it|will it|it takes|it would take|it will take) (?:to )?(?:take to )?(?:die|bleed out)\b|\bbleed(?:ing)? out\b|\bhow to (?:kill my ?self|end my life|hang my ?self|overdose|od|tie a noose|make a noose)\b|\b(?:looking|look|looked|looks) (?:into|up|at) (?:ways|methods)(?:\s*[.!?,\n]|\s*$)|\bresearching (?:ways|methods)(?:\s*[.!?,\n]|\s*$)",
            r"|\b(?:looking up|looked up|look up|googling|googled|google|researching|researched|reading about|read up on|read about|searching for|searched for|searching|searched|watching videos (?:on|about)|looking into|looked into)\s+(?:\w+ ){0,2}?(?:suicide )?(?:methods|ways to (?:die|do it|end it|kill my ?self|end my life|go)|how to (?:die|do it|kill my ?self|end my life|hang|overdose|od)\b|how (?:many|much) (?:\w+ ){0,2}?",
            drugs!(),
            r")|\bhow many (?:of (?:these|them|those|my \w+)|\w+) (?:would it|does it|will it) take\b|\b(?:know|worked out|looked up|found out|calculated) (?:exactly )?how (?:much|many) (?:id|i would|ill|i will|it would|itll|it will) (?:need|take)\b",
        ),
    )
    .trigger(r"\b(?:know|worked out|looked up|found out|calculated|would|will|is|are|how|lethal|fatal|way to|method|look|googl|research|read|search|watching|bleed)")
    .guard(r"\btake to (?:fill|make|build|cover|finish|feed|reach|get|buy|pay|knit|paint|bake)\b|\b(?:jar|guess|fete|jelly ?beans?|sweets|raffle)\b|\b(?:dog|cat|pet|puppy|kitten|horse|rabbit|for a (?:headache|migraine|cold|fever)|safely|max(?:imum)? dose|safe dose|dissertation|essay|research project|module|course|assignment|recipe|coursework|lecture|for (?:my|a) (?:class|exam))\b"),
    signal(
        "high.attempt",
        Level::High,
        "says they tried to end their life",
        concat!(first_person!(), intens!(), r"(?:tried|attempted|tried to|attempted to)\s+(?:to )?(?:", self_kill!(), r"|suicide|overdose|od\b)", r"|\b(?:overdosed|od(?:d|ed)|took an overdose|i attempted|i tried)\b[^.!?\n]{0,30}\b(?:last (?:week|month|night)|(?:a few|two|three|\d+) (?:days|weeks) ago|recently)\b"),
    )
    .trigger(r"\b(?:tried|attempt|overdosed|od|took an overdose)")
    .guard(r"\b(?:before|previously|once|years? ago|months ago|in (?:19|20)\d\d|when i was|as a (?:teen|teenager|kid|child)|survivor|survived)\b"),
    signal(
        "high.recurrence",
        Level::High,
        "suicidal thoughts are coming back",
        r"\b(?:suicidal|kms|sewer ?slide) (?:thoughts|feelings|urges) (?:are|have|keep|s) (?:come |coming )?(?:back|returning|creeping back)\b|\bback to (?:feeling )?suicidal\b|\b(?:urge|urges|wish|wanting|want) to die (?:is |are |has |have )?(?:come |coming |came )back\b",
    )
    .trigger(r"\b(?:suicidal|kms|sewer|to die)")
    .any_time(),
    signal(
        "high.voices",
        Level::High,
        "voices tell them to harm or kill themselves",
        r"\b(?:voices?|my (?:head|brain|mind|thoughts|ed|illness|depression))\b[^.!?\n]{0,30}\b(?:telling|tell|told|saying|say|ordering|order|want|wants|screaming at) me (?:that )?(?:to|i (?:have|need|should|must)(?: to)?)\s+(?:\w+ )?(?:kill|hurt|harm|cut|die|jump|walk into|step in front|end|drown|hang|burn|overdose)\b",
    )
    .trigger(r"\b(?:voice|my head|my brain|my mind|my thoughts|my ed|my illness|my depression)"),
    signal(
        "high.unsafe",
        Level::High,
        "says they are not safe from themselves",
        r"\b(?:(?:im|i am|i feel|feeling)\s+(?:really |very |so )?(?:not |un)safe|(?:i dont|i do not|dont|do not|not) feel(?:ing)? (?:very |really )?safe) (?:with|around|from) my ?self\b|\b(?:im|i am) not safe (?:tonight|right now|at the moment|rn|in my own head)\b|\b(?:dont|do not|cant|cannot) trust my ?self (?:tonight|right now|at the moment|rn|around|with|not to)\b|\b(?:a )?danger to my ?self\b|\b(?:scared|afraid|terrified|worried) (?:that )?(?:im going to|ill|i will|i might|im gonna) (?:actually )?(?:do it|go through with it|act on it|kill my ?self|hurt my ?self|end it)(?:\s*[.!?,\n]|\s*$| this time| tonight| now)|\b(?:cant|cannot) (?:promise|guarantee|say) (?:that )?ill (?:still )?be (?:here|alive|around)\b|\b(?:cant|cannot|can not|not able to|unable to) keep my ?self safe\b|\b(?:scared|afraid|frightened|terrified|worried) (?:of )?what (?:ill|i will|i might|im going to|i could) do(?: to my ?self)?(?: tonight| right now| rn)\b|\b(?:cant|cannot|can not) (?:promise|guarantee|say) (?:that )?(?:i wont|i will not|im not going to|not to|i can stay safe|ill be safe|ill stay safe|i can keep my ?self safe)\b",
    )
    .trigger(r"\b(?:safe|unsafe|trust my|promise|guarantee|say|what (?:ill|i will|i might|im going to|i could) do|danger to|(?:scared|afraid|terrified|worried) (?:that )?(?:im|ill|i will|i might))")
    .guard(r"\b(?:lol|haha|lmao|jk|spoilers?|if (?:he|she|they) (?:texts?|calls?|messages?|rings?)|(?:not|no|never) (?:a )?danger|strike|trains?|traffic|on time|late|work|shift|meeting|class)\b")
    .not_negatable(),
    // ---- high: self-harm ------------------------------------------------
    signal(
        "high.self-harm",
        Level::High,
        "is self-harming now",
        concat!(
            first_person!(),
            intens!(),
            r"(?:again )?(?:cutting(?: my ?self| my (?:arms?|legs?|thighs?|wrists?|stomach|skin|hips?))?|cut my ?self|cut my (?:arms?|legs?|thighs?|wrists?|stomach|skin|hips?)|cut again|self[- ]?harm(?:ing|ed)?|selfharm\w*|harming my ?self|harmed my ?self|hurting my ?self|hurt my ?self|(?:burning|burnt|burned|scratching|scratched|hitting|cutting) my (?:arms?|legs?|thighs?|wrists?|stomach|skin|hips?)|burning my ?self|burnt my ?self|burned my ?self|burn my ?self|scratch my ?self|bite my ?self|punch my ?self|scratching my ?self|scratched my ?self|hitting my ?self|hit my ?self|punching (?:walls?|my ?self|the wall)|punched (?:walls?|my ?self|the wall|a wall)|biting my ?self|bit my ?self|biting my (?:arms?|hands?|wrists?)|bit my (?:arms?|hands?|wrists?)|(?:bang(?:ed|ing)?|hit(?:ting)?|smash(?:ed|ing)?) my head (?:against|on|into) (?:the |a )?walls?|head ?bang(?:ing|ed)?)\b",
            // "sh" only after a first-person word: at a line start it is
            // as likely a shell snippet as self-harm.
            r"|\b(?:(?:i|ive|i have|im|i am|i just|just|been|started|starting|keep|kept|still|back to|gone back to|went back to|and|then|i keep|i still|i started)\s+){1,3}",
            intens!(),
            r"(?:again )?sh(?:ing|d|ed|-?ing)?\b",
            r"|",
            first_person!(),
            r"(?:cut|shed|shd|sh|self[- ]?harm(?:ed)?|selfharm(?:ed)?)\s+(?:again|last night|tonight|today|this morning|yesterday|earlier)\b",
            r"|\b(?:scratch|scratched|scratching|pinch|pinched|pinching|bit|biting|bite|hit|hitting|punch|punched|punching|bang|banged|banging)\b[^.!?\n]{0,40}\b(?:till|until|so) (?:they|it|i|my \w+) (?:bleed|bled|bleeding|bruise|bruised|bruises|split|broke|saw stars)\b",
            r"|\b(?:hurt|hurting|hit|hitting|burn(?:t|ed|ing)?|cut(?:ting)?|scratch(?:ed|ing)?|bit|bite|biting|punch(?:ed|ing)?|bang(?:ed|ing)?|scald(?:ed|ing)?)\s+(?:my ?self|my (?:\w+ )?(?:arms?|wrists?|legs?|thighs?|skin|hands?|head|stomach|face|body|knuckles))(?:\s+\w+){0,5}? on purpose\b",
            r"|\bfresh (?:cuts|burns|wounds|scratches)\b",
            r"|\b(?:my )?(?:cutting|self[- ]?harm(?:ing)?|selfharm\w*|sh)\s+(?:has|is|s|have|keeps?|got|gotten)\b[^.!?\n]{0,40}\b(?:most (?:days|nights)|every (?:day|night)|daily|worse|more often|again|out of control)\b",
            r"|\brelaps(?:ed|e|ing)\b[^.!?\n]{0,30}\b(?:self[- ]?harm|selfharm|cutting|sh|cut|burning|hurting my ?self)\b|\b(?:self[- ]?harm|selfharm|cutting|sh|sh-ing)\b[^.!?\n]{0,20}\brelaps(?:ed|e)\b",
            r"|\b(?:keep|kept|i keep|always) giving in\b|\bgave in to (?:the |my )?urges?\b|\burges? (?:to \w+(?: \w+)? )?(?:always |still )?(?:win|won|wins)\b",
        ),
    )
    .trigger(r"\b(?:cut|self|harm|hurt|burn|scratch|hit|punch|bit|bang|head ?bang|smash|sh(?:ing|d|ed|-?ing)?\b|shed|pinch|on purpose|fresh|relaps|giving in|gave in|urge)")
    .guard(r"\b(?:nearly|almost) (?:relapsed|cut|gave in|did it|hurt)\b|\burges? passed\b|\buntil the urge\b|\b(?:(?:she|he|they|someone|somebody|toddlers?|kids?|dog|cat|puppy) (?:bit|hit|punched|scratched|burnt|burned|kicked) (?:me|my)|music|gig|metal|concert|mosh\w*|band|(?:self[- ]?harm|sh) (?:urges?|thoughts|cravings) (?:are|is|were|have been|keep))\b|\b(?:shaving|cooking|chopping|kitchen|paper|by accident|accidentally|gym|running|football|fell|falling|tripped|slipped|lifting|injury|sprain\w*|ankle|knee|hamstring|playing|laughing|oven|hob|kettle|sunburn\w*|onions?|veg|vegetables|grass|lawn|hedge|fabric|wood|costs|corners|class|carbs|sugar|cheese|cake|bread|meat|flowers|butcher|coupons?|cut(?:ting)? (?:my |the |his |her )?(?:own )?(?:hair|fringe|nails|fingernails|toenails|grass|lawn|hedge)|cut(?:ting)? (?:back|down|out|off)|hair ?cut|on (?:a|the|some) (?:glass|rock|fence|nail|wire|tin|can|knife|bike|pedal|bramble|thorn)s?)\b")
    .veto(r"\bmy (?:daughter|son|child|kid|\d+ ?(?:year old|yo)|teen\w*|stepson|stepdaughter|granddaughter|grandson)\b[\s\S]*\bhow (?:do|can|should) (?:i|we)\b|\bhow (?:do|can|should) (?:i|we)\b[\s\S]*\bmy (?:daughter|son|child|kid|\d+ ?(?:year old|yo)|teen\w*|stepson|stepdaughter)\b"),
    signal(
        "high.self-harm-urge",
        Level::High,
        "an urge to self-harm right now that they are not holding off",
        r"\b(?:want|wanna|need|urges?|itching|desperate) to (?:hurt|harm|cut|burn|hit) my ?self (?:so (?:bad|badly|much)|really (?:bad|badly)|right now|tonight|rn)\b|\b(?:cant|cannot) (?:stop|resist|fight) (?:the )?urges? to (?:hurt|harm|cut|burn|hit) my ?self\b|\b(?:im going to|im gonna|i am going to|i will|ill|going to|gonna) (?:hurt|harm|cut|burn) my ?self\b|\b(?:act|acting) on (?:my |the |these |those )?(?:suicidal )?(?:thoughts|urges|feelings)\b",
    )
    .trigger(r"\b(?:want|wanna|need|urge|itching|desperate|cant|cannot|going to|gonna|will|ill|act)")
    .guard(r"\b(?:laughing|lol|haha|lmao|gym|workout|football|trying to)\b")
    // Urges that are being held off (ice cubes, a friend rang) are a
    // concern, not an escalation.
    .veto(r"\b(?:instead|didnt|did not|havent|have not|ice cubes?|distraction|safety plan|rang|called|talking my ?self down|sitting on my hands|went for a (?:run|walk)|coping|resisted|held off)\b"),
    signal(
        "high.third-party",
        Level::High,
        "someone else is suicidal or self-harming",
        concat!(
            third!(),
            r"[^.!?\n]{0,60}?\b(?:(?:wants?|wanted|wanting|keeps? saying (?:he|she|they) wants?|says (?:he|she|they) wants?) to (?:die|be dead|kill (?:him|her|them)sel(?:f|ves)|top (?:him|her|them)self|end (?:his|her|their) (?:own )?life|end it(?: all)?|unalive)|(?:thinking|thinks|thought|talking|talks|talked|going on|went on) (?:about|of) (?:suicide|killing (?:him|her|them)sel(?:f|ves)|ending (?:his|her|their) (?:own )?life|ending it|dying|wanting to die|taking (?:his|her|their) (?:own )?life|topping (?:him|her|them)self)|(?:is|s|has been|s been|been|feels|feeling|was) (?:really |very |so |actively )?suicidal|(?:is|s|has been|s been|been|started|keeps?) (?:self[- ]?harming|cutting(?: (?:him|her|them)sel(?:f|ves))?|hurting (?:him|her|them)sel(?:f|ves)|burning (?:him|her|them)sel(?:f|ves)|(?:scratching|cutting|burning|hitting) (?:his|her|their) (?:arms?|legs?|wrists?|skin|thighs?|stomach))|tried to (?:kill|end|take|hang|overdose)|threaten(?:s|ing|ed)? to (?:kill|end|hang|top|hurt) (?:him|her|them|his|their)|threaten(?:s|ing|ed)? suicide)",
            r"|\b(?:he|she|they)(?:s| is| has| have|ve| keeps?| was| had)?(?: been)?(?: really| always| constantly)? (?:talking|talks|talked|thinking|thinks|thought|going on|goes on|went on) (?:about|of) (?:suicide|killing (?:him|her|them)sel(?:f|ves)|ending (?:his|her|their) (?:own )?life|ending it|dying|wanting to die|taking (?:his|her|their) (?:own )?life|topping (?:him|her|them)self)\b",
            r"|\b(?:he|she|they) (?:says|said|told me|keeps saying|kept saying|texted|messaged) (?:that )?(?:he|she|they) (?:wants?|wanted) to (?:die|be dead|kill (?:him|her|them)sel(?:f|ves)|end (?:his|her|their) life|end it)\b",
            r"|\b(?:he|she|they)(?:s| is| has been|s been| keeps?| was| started) (?:self[- ]?harming|cutting (?:him|her|them)sel(?:f|ves)|hurting (?:him|her|them)sel(?:f|ves))\b",
        ),
    )
    .trigger(concat!(r"\b(?:he|she|they|", someone!(), ")"))
    .guard(r"\b(?:lol|haha|lmao|jok\w*|how (?:she|he|they) talks|just a (?:phrase|saying|figure of speech)|exams? (?:come|are|is))\b|\bwhen (?:my|our|his|her) (?:\w+ ){1,2}?(?:was|were)\b|\bhow (?:do|can|should|could) (?:i|we|you) (?:help|support)\b|\bwho (?:self[- ]?harms|is suicidal|feels suicidal|has been suicidal)\b|\bsafe (?:right )?now\b|\b(?:years ago|used to|last year|in the (?:film|book|show|series|game|novel)|character|(?:he|she|they) (?:died|passed away)|died (?:by|of|from|last|in|after|when)|who died|funeral|lost (?:him|her|them)|anniversary|scars|healed|recovered|in recovery|doing (?:much )?better|cut(?:ting)? (?:down|back|out|off)|cutting (?:his|her|their) hair|ending (?:it|things) with)\b")
    .veto(r"\b(?:shes|hes|theyre|she is|he is|they are) (?:now )?(?:doing (?:well|ok|okay|better|great)|in recovery|recovered)\b"),
    // ---- generalised: wishes, thoughts, acts, farewells -------------------
    signal(
        "high.death-wish",
        Level::High,
        "does not want to be alive, or wishes to die",
        concat!(
            r"\b(?:dont|do not) (?:really )?want to (?:be alive|exist|live(?: any ?more|\s*[.!?,\n]|\s*$)|be here any ?more|be on this earth|wake up any ?more)",
            r"|\bwant(?:ed)? (?:it all|everything|my life|all of it|this life) to (?:end|be over|stop)\b",
            r"|\bwant to (?:just )?stop (?:existing|living|breathing)\b",
            r"|\b(?:wish|wishing|wished|pray|praying|prayed|hope|hoping|beg|begging)(?: for it)?\b[^.!?\n]{0,25}?\b(?:i (?:could|would|might) (?:just )?die|(?:that )?i (?:just )?die\b|i was dead|i were dead|(?:to |i )?(?:just )?die in my sleep|for death|death would (?:come|take me))\b|\bwish(?:ing)? to die\b",
            r"|\b(?:give|would give) anything to (?:just )?(?:die|be dead|not wake up|not exist|stop existing)\b",
            r"|\bi (?:actually|really|genuinely|properly) want (?:it|to die|to do it)(?:\s*[.!?,\n]|\s*$)",
            r"|\bbetter off if i (?:just )?(?:killed my ?self|was dead|were dead|died|ended it)\b",
            r"|\b(?:miss me|notice|care|happier|relieved|easier)\b[^.!?\n]{0,20}\bif i (?:just )?(?:killed my ?self|ended my (?:own )?life|took my (?:own )?life)\b",
            r"|\bpart of me (?:\w+ )?wants? to (?:die|be dead|end it)\b",
            r"|\b(?:life|living|my life)(?: is|s)? (?:not|isnt|aint|no longer) worth (?:living|it any ?more)\b",
            r"|\b(?:going to|gonna|about to|scared ill|afraid ill|might|ill|i will) do something (?:stupid|silly|drastic|i cant take back)\b",
            r"|\b(?:dont|do not|cant|cannot) see my ?self (?:being )?(?:still )?alive (?:next|by|in|much longer|for much longer|at)\b",
            r"|\bwant(?:ed)? to (?:just )?(?:(?:jump|throw my ?self|step) (?:off|from) (?:the |a )?(?:\w+ )?(?:bridge|cliffs?|roof|building|car park|multi ?storey|ledge|window|balcony)|(?:jump|throw my ?self|step|walk|lie down) (?:in front of|under) (?:a |the )?(?:\w+ )?(?:train|bus|lorry|car|truck|traffic)|(?:drive|crash) (?:my car |the car )?(?:into|off) (?:a |the )?(?:\w+ )?(?:wall|tree|bridge|cliff|lorry|motorway))\b",
            r"|\b(?:dont|do not) think (?:ill|i will|i can|im going to) (?:make it|survive|get|last) (?:through|to|till|until) (?:the night|tonight|tomorrow|morning|the morning)\b",
        ),
    )
    .trigger(r"\b(?:worth|do something|see my|want(?:ed)? to (?:just )?(?:jump|throw|step|walk|lie|drive|crash)|(?:dont|do not) (?:really )?want to|want(?:ed)? (?:it all|everything|my life|all of it|this life|to (?:just )?stop)|wish|pray|hop(?:e|ing)|beg|give anything|better off if|think (?:ill|i will|i can|im going to)|if i|part of me|(?:actually|really|genuinely|properly) want)")
    .guard(r"\bfor a (?:bit|while|minute|moment|second|day|few|little)\b|\bpause\b|\bnot like that\b|\ba break\b|\b(?:id|i would|ill|i will|i) never (?:do|act on) (?:anything|it)\b|\b(?:dont|do not) (?:really )?want to die\b|\b(?:(?:she|he|they|my \w+|mum|dad|ex) (?:\w+ )?(?:wish|wishes|wished|prays?|prayed|hopes?|hoped)|peacefully|old age|pizza|cake|hair|tattoo|text (?:him|her|them)|swim\w*|bungee|skydiv\w*|paddl\w*|dive|diving|pool|lol|lmao|haha|jk|joking|kidding|job|school|uni|office|party|meeting|class|house|town|city|country|relationship|marriage|film|movie|book|character|song|lyrics?|(?:die|died|dying) (?:of|from) (?:embarrassment|laughing|shame|boredom)|(?:ended|ending|end) (?:it|things) with|flu|covid|shift|deadline|die a (?:little|bit))\b|\b(?:dont|do not) want to live (?:like|with|in|there|here|at|near)\b"),
    signal(
        "high.thoughts-broad",
        Level::High,
        "has thoughts of suicide or of ending their life",
        concat!(
            r"\b(?:my|the|having|had|got|have|these|been having|im having|still having|sui|suicidal|dark) (?:sui|suicidal|suicide|kms) (?:thoughts|ideation|feelings|urges)\b|\bsui (?:thoughts|ideation|feelings|urges)\b|\b(?:suicidal|suicide|kms) (?:thoughts|ideation|feelings|urges) (?:are|is|have been|s been|keep|again|today|tonight|back|getting|won|winning|so|really)\b",
            r"|\b(?:ive |i have |i |been |keep |kept |still |i keep |i still |ive been |i have been )",
            intens!(),
            r"(?:thought|thinking|think) (?:about|of) (?:actually )?(?:ending it|ending it all|ending (?:my|things)|killing my ?self|taking my (?:own )?life|suicide|not being here|making (?:that|it) happen|doing it|going through with it)\b",
            r"|\b(?:thoughts|thinking) (?:of|about) (?:ending|taking) my (?:own )?life\b",
            r"|\b(?:dying|death|suicide|killing my ?self|ending it|ending my life|to die)\b[^.!?\n]{0,25}\bthe only (?:way out|option|answer|solution|escape|way)\b|\bthe only (?:way out|option|answer|solution|escape) (?:is|left is) (?:to )?(?:die|death|dying|suicide|killing my ?self|ending it|to end it)\b",
            r"|\b(?:brain|head|mind|voices?|thoughts)\b[^.!?\n]{0,20}\b(?:going|saying|telling me|screaming|repeating|whispering|chanting)\b[^.!?\n]{0,10}\bkill your ?self\b",
        ),
    )
    .trigger(r"\b(?:sui|kms|(?:thoughts?|thinking|think) (?:about|of)|kill your|the only)")
    .guard(r"\b(?:someone|friend|people|patients?|clients?|students?|his|her|their|how (?:do|can|to|should)|common|normal|symptoms?|your gp|talk to your|(?:ending|end) (?:it|things) with|course|training|article|research|awareness|prevention|survivor|documentar\w*|programme|podcast|video|lecture|webinar|young (?:men|women|people)|relationship|with (?:him|her|them)|breaking up|break up|lol|haha|game|film|book|character|quit\w*|job)\b"),
    signal(
        "high.third-party-wish",
        Level::High,
        "someone else wishes to die or thinks of ending their life",
        concat!(
            r"(?:",
            third!(),
            r"|\b(?:he|she|they))[^.!?\n]{0,60}?\b(?:thoughts? (?:of|about) (?:ending|taking) (?:his|her|their) (?:own )?life|(?:wishes|wished|wishing) (?:she|he|they) (?:was|were) dead|(?:screaming|shouting|crying|saying|says|said|told me|texted|keeps saying) (?:that )?(?:she|he|they) (?:wants?|wanted) to die)\b",
            r"|\b(?:screaming|shouting|crying|saying|says|said|told me|texted|keeps saying|kept saying) (?:that )?(?:she|he|they) (?:wants?|wanted) to die\b",
        ),
    )
    .trigger(r"\b(?:thoughts? (?:of|about) (?:ending|taking)|wish|wants? to die|wanted to die)")
    .guard(r"\b(?:years ago|last year|in the (?:film|book|show|game)|character|lol|haha|phrase|expression|figure of speech|jok\w*|used to|dramatic|football|match|score)\b"),
    signal(
        "high.self-harm-broad",
        Level::High,
        "harms themselves on purpose (burns, bites, carving, starving, stopping medication)",
        concat!(
            first_person!(),
            r"(?:carv(?:ed|ing)|slic(?:ed|ing)|goug(?:ed|ing)|stubb(?:ed|ing)(?: \w+){0,2} out|stabb(?:ed|ing)|bit|bitten|biting) (?:\w+ ){0,2}?(?:into |on |at )?my (?:own )?",
            body!(),
            r"|\b(?:took|take|taking|used|using) (?:a|the|my) (?:razor|blade|lighter|compass|scissors|knife|cigarette|sharpener) (?:to|on|across) my (?:own )?",
            body!(),
            r"|\b(?:used|using) (?:the|a|my) (?:razor )?blade (?:i|again|last)\b",
            r"|\b(?:glass|shard|blade|razor|knife|lighter|scissors|compass|sharpener)\b[^.!?\n]{0,30}\b(?:used|using) (?:it|them|that|this|one) (?:on|to cut|to burn|across) my (?:own )?",
            body!(),
            r"|\bmy (?:own )?",
            body!(),
            r"\b[^.!?\n]{0,50}\b(?:on purpose|deliberately|intentionally)\b",
            r"|\b(?:starv(?:ing|ed|e) my ?self|made my ?self sick|making my ?self sick)\b[^.!?\n]{0,40}\b(?:again|on purpose|deliberately|as (?:a )?punishment|to (?:hurt|punish|harm) my ?self|over and over|until there was blood|till there was blood)\b",
            r"|\b(?:havent eaten|not eaten|stopped eating|stopped taking|skipping|skipped)\b[^.!?\n]{0,40}\b(?:on purpose|deliberately|as (?:a )?punishment|to (?:hurt|punish|harm) my ?self)\b",
            r"|\b(?:deliberately|intentionally) (?:stopped|skipped|not|starv\w*|burn\w*|cut\w*|hurt\w*)\b",
            r"|\b(?:doing|did|do) (?:it|this|that) to (?:hurt|punish|harm) my ?self\b",
            r"|\bto (?:hurt|punish|harm) my ?self\b[^.!?\n]{0,20}\b(?:\d+|three|two|four|five) (?:days|times)\b",
            r"|\b(?:dug|dig|digging|picked|picking|pulled|pulling|tore|tearing|clawed|clawing) (?:at |out )?[^.!?\n]{0,40}\b(?:till|until) (?:they|it|i|my \w+) (?:bled|bleed|bleeding)\b",
        ),
    )
    .trigger(r"\b(?:carv|slic|goug|stubb|stabb|bit\b|bitten|biting|(?:took|take|taking|used|using) (?:a|the|my)|(?:used|using) (?:it|them|that|this|one)|on purpose|deliberately|intentionally|starv|my ?self sick|eaten|stopped eating|stopped taking|skipp|to (?:hurt|punish|harm) my|bled|bleed)")
    .guard(r"\b(?:by accident|accidentally|shav\w*|cooking|chopping|kitchen knife|recipe|dog|cat|puppy|kitten|mosquito|insect|bug|tongue|lip|nails|diet|fasting|ramadan|lent|gym|workout|exam|revision|flu|bug|stomach bug|ill|poorly|hangover|wisdom tooth|dentist|lol|haha|gp|doctor|psychiatrist|taper\w*|side effects|scabs?|cuticles?|spots?|pimples?|habit|splinter|exams?|revis\w*|of sleep|smooth|wax\w*|beach|trim\w*|(?:leg|body|underarm|facial) hair|hair ?(?:cut|dye|removal)|(?:he|she|they|someone|somebody) (?:did|does|do) (?:it|this|that) on purpose)\b|\b(?:he|she|they|someone|somebody|my (?:brother|sister|mum|mom|dad|partner|boyfriend|girlfriend|husband|wife|son|daughter|kid|child)) (?:\w+ )?(?:grabbed|hit|punched|kicked|pushed|bit|scratched|burnt|burned|twisted|stood on|trod on|stepped on|pinched|slapped)\b"),
    signal(
        "crisis.act-broad",
        Level::Crisis,
        "has just taken pills or poison (washed down, every pill, an overdose that failed)",
        concat!(
            r"\b(?:\d{2,}|all|the lot|whole (?:box|packet|bottle)|every|of them)\b[^.!?\n]{0,30}\b(?:washed|washing) (?:them |it |em )?down\b",
            r"|(?:\b(?:i|ive|i have|just|and)\s+|(?:(?m:^)\s*|[.!?]\s+))(?:(?:ate|eaten|popped|chewed) (?:every|all the|all of the|all my)|(?:swallowed|took|taken|necked|downed) every) (?:single )?(?:pills?|tablets?|meds|",
            drugs!(),
            r")\b",
            r"|\b(?:drank|drunk|swallowed|downed) (?:some|something|a bottle|half a bottle|a cup|a glass)\b[^.!?\n]{0,30}\b(?:shed|garage|under the sink|cleaning cupboard|medicine cabinet)\b",
            r"|\b(?:overdose|od|attempt|pills|tablets|rope|noose)(?:s)? (?:didnt|did not|hasnt|has not|failed to) work\b",
            r"|\b(?:taken|took|had|swallowed) (?:a lot |loads |way |far |a bunch |lots )?more (?:of )?(?:my |the |her |his )?",
            drugs!(),
            r" than (?:i should|i was supposed|im supposed|prescribed|the dose|i meant)",
            r"|\b(?:taken|took|swallowed|had) (?:my |a |the )?(?:whole|entire|full) (?:weeks?|months?|fortnights?) (?:worth of )?(?:supply of )?(?:my )?",
            drugs!(),
            r"|\bmix(?:ed|ing) (?:all )?(?:of )?(?:my |the |some |a load of |loads of )?",
            drugs!(),
            r" (?:with|and) (?:alcohol|vodka|wine|booze|whisky|whiskey|gin|rum|beer|cider|drink)\b",
        ),
    )
    .trigger(r"\b(?:wash|more (?:of )?(?:my |the |her |his )?(?:\w+ ){1,3}than|(?:whole|entire|full) (?:weeks?|months?|fortnights?)|mix(?:ed|ing) |(?:ate|eaten|popped|chewed) (?:every|all)|(?:swallowed|took|taken|necked|downed) every|(?:drank|drunk|swallowed|downed) (?:some|something|a|half)|(?:didnt|did not|hasnt|has not|failed to) work)")
    .guard(r"\b(?:for my (?:back|head|headache|pain|tooth|teeth|period|migraine|cold|flu|knee|shoulder)|is (?:that|it|this) (?:dangerous|bad|ok|okay|safe)|dosette|pill ?box|organi[sz]er|to (?:my|the) (?:\w+s|house|flat|holiday)|accident\w*|by mistake|forgot|cafe|caf|pub|bar|restaurant|chocolate|sweets|sugar|caffeine|coffee|sleep|vitamins?|antibiotics|course of|as prescribed|lol|haha|dog|cat|toddler|the diet|detox|treatment|therapy|ssri|meds didnt work|medication didnt work|tablets didnt work for|pills didnt work for)\b"),
    signal(
        "crisis.intent-broad",
        Level::Crisis,
        "names the night or the means: 'tonight I finish it', 'it's going to be the bridge'",
        concat!(
            r"\b(?:tonight|today|tomorrow|this weekend) i (?:finish|end|do) it\b",
            r"|\b(?:its|it is|itll|it will) (?:gonna |going to )?be (?:the |a )?(?:\w+ ){0,2}?(?:bridge|viaduct|cliffs?|tracks|train|railway|rope|pills|tablets|river|sea|motorway)\b[^.!?\n]{0,20}\b(?:tonight|tomorrow|today|then|after|when|this)\b",
            r"|\b(?:sewer ?slide|suicide|kms|unalive) time\b",
            r"|\b(?:do|doing|get|getting) it (?:right|properly) this time\b",
            r"|\b(?:tonight|tomorrow|today|this weekend) it (?:all )?ends(?:\s*[.,\n]|\s*$)|\bit (?:all )?ends (?:tonight|tomorrow|today|this weekend)(?:\s*[.,\n]|\s*$)",
            r"|\b(?:suicide|exit|death) plan(?: is| s)? (?:sorted|ready|set|in place|made|done|arranged|finished)\b",
            r"|\bif (?:youre|you are|anyone is|someone is|anyones) reading this\b[^.!?\n]{0,30}\b(?:already|im gone|im dead|its done|happened|too late)\b",
            r"|\b(?:when|by the time|once|if) (?:you|anyone|someone|people|they) (?:read|reads|see|sees|find|finds) this\b[^.!?\n]{0,20}\b(?:ill|i will|im|i am|ill have|i will have|i) (?:already )?(?:be )?(?:gone|dead|long gone|not be here|no longer be here|done it)\b",
            r"|\b(?:ive got|i have|got|have) (?:a|the|my) plan\b[^.!?\n]{0,30}\b(?:going to|gonna|will|ill) (?:use|do|follow|carry out|go through with) it\b",
        ),
    )
    .trigger(r"\b(?:(?:tonight|today|tomorrow|this weekend) i|(?:its|it is|itll|it will) (?:gonna |going to )?be|sewer|suicide|kms|unalive|exit plan|death plan|reading this|read this|reads this|see this|sees this|find this|finds this|(?:a|the|my) plan|this time|ends)")
    .guard(r"\b(?:lol|haha|lmao|jk|game|film|movie|book|character|episode|essay|assignment|presentation|project|party|holiday|trip|walk|run|swim\w*|view|photos?)\b"),
    signal(
        "crisis.farewell-broad",
        Level::Crisis,
        "goodbye letters or notes, a last log-off",
        r"\b(?:left|leaving|written|wrote|writing|write|finished|done) (?:my |the |some )?(?:goodbye |farewell |suicide |last )?(?:letters?|notes?) (?:for|to) (?:everyone|every one|all of (?:you|them)|my|each|the kids|them all)\b|\b(?:ive |i have |i )?(?:written|wrote|left|writing|leaving) (?:\w+ )?(?:goodbye|farewell|suicide) (?:letters?|notes?|messages?|videos?)\b|\b(?:logging|signing|log|sign) (?:off|out) for the (?:last|final) time\b|\bits been (?:a|an) (?:privilege|pleasure|honour|honor) (?:to know|knowing)\b|\b(?:worry about|deal with|look after|put up with|hear from) me (?:after tonight|after today|after this weekend)\b|\b(?:ive|i have|i) (?:said|done|made) (?:all )?my goodbyes\b|\btell (?:my |them |her |him )?(?:\w+ )?(?:that )?im sorry and (?:that )?i love\b",
    )
    .trigger(r"\b(?:letter|note|messages|videos|for the last|for the final|privilege|pleasure|honou?r|me after|goodbyes|tell)")
    .guard(r"\b(?:birthdays?|to open|grandchildren|grandkids|time capsule|memory box|ago|anniversary)\b|\b(?:hospice|hospital|dying|vet|put down|to (?:him|her|them|my \w+) before|therap\w*|counsell\w*|exercise|prompt|old self|younger self|future self|eating disorder|my ed|grief|who died|passed away|funeral|story|film|character|book|class|assignment|homework|job|work|colleagues|team|retir\w*|leaving do|new job|moving|school|uni|wedding|thank you (?:notes?|letters?|cards?)|cover letters?|sick notes?|fit notes?)\b"),
    signal(
        "farewell.cue",
        Level::Crisis,
        "settling affairs or last instructions that may be a farewell",
        r"\b(?:made|wrote|written|writing|sorted|updated|signed) (?:a |my )(?:will|pension nomination)\b|\b(?:letters|notes) (?:are )?(?:done|written|finished|sorted)\b|\b(?:left|written|wrote) (?:a |some )(?:notes?|letters?) for (?:my|everyone|the kids|them)\b|\b(?:im|i am|i will|ill|i) (?:not|wont|will not) (?:be )?(?:coming back|be back)\b|\bi wont be back\b|\b(?:when im|once im|after im) (?:not here|not around|gone) ?(?:any ?more)?\b|\blook after (?:\w+ ){1,3}?for me\b|\b(?:dont|do not) blame (?:your ?self|your ?selves|anyone)\b|\b(?:i )?love (?:you all|you guys|you so much|all of you)\b|(?:(?m:^)\s*|[.!?]\s+)time to go(?:\s*[.!,\n]|\s*$)|\bdeserve (?:a )?better (?:dad|mum|mom|mother|father|parent|partner|friend|son|daughter|wife|husband|brother|sister) than me\b|\b(?:wont|will not|not going to) (?:be )?need(?:ing)? (?:them|it|these|this|my \w+)(?: any ?more| where im going)?\b|\b(?:posted|left|gave|giving) (?:the |my )?(?:house |door |flat |car )?keys (?:through|to|with)\b|\b(?:gave|given|told) (?:my |her |him |them )?(?:phone |bank )?(?:pin|passwords?|passcode)\b|\btold (?:her|him|them|my \w+) where (?:the |my )?\w+(?: \w+)? (?:is|are) kept\b|\b(?:gave|given) (?:away )?my (?:\w+ )?(?:guitar|xbox|ps\d|playstation|laptop|bike|things|stuff|books|clothes|jewellery|records|games) (?:and (?:my )?\w+ )?(?:to|away)\b|\b(?:im|i am) (?:so |finally |just )?ready(?: now)?(?:\s*[.!\n]|\s*$)|\b(?:its|it is) (?:tonight|today|now)(?:\s*[.!\n]|\s*$)|\b(?:set|picked|chose|chosen) a date\b|\beverything i need(?:s| is)? (?:is )?(?:in|ready|here|sorted)\b|\bwhere (?:nobody|no ?one) (?:will|can|would) find me\b|\b(?:he|she|they) (?:doesnt|dont|does not|do not) know(?:\s*[.!\n]|\s*$)|\b(?:be kind to|look after) (?:each other|one another)\b|\b(?:written|wrote) (?:letters? |notes? )?to (?:everyone|all of them|my (?:\w+ )?\w+)(?: and (?:my )?(?:\w+ )?\w+)?\b|\b(?:put|got|sorted|have) (?:everything|my affairs|all my affairs|my things) in order\b|\b(?:wont|will not|never|not) (?:have to|need to|needs to) (?:deal with|worry about|put up with|look after|see) me (?:any ?more|again)\b|\bdelet(?:ed|ing) (?:all )?(?:of )?my (?:accounts|socials|social media|profiles|photos)\b",
    )
    .trigger(r"\b(?:made (?:a|my)|wrote|written|writing|left (?:a|some)|sorted (?:a|my)|updated|signed|letters|notes|coming back|be back|when im|once im|after im|look after|blame|love (?:you|all)|time to go|deserve|everything i need|need(?:ing)? (?:them|it|these|this|my)|keys|pin|password|passcode|kept|gave|given|(?:im|i am) (?:so |finally |just )?ready|its (?:tonight|today|now)|it is (?:tonight|today|now)|a date|where (?:nobody|no ?one)|(?:doesnt|dont|does not|do not) know|be kind|in order|deal with|worry about|put up with|look after|see me|delet)")
    .veto(bereaved!())
    .guard(r"\b(?:holiday|trip|vacation|abroad|moving|move|new (?:job|flat|house|phone|place)|work|shift|office|uni|school|exams?|lol|haha|weekend away|old|spare|charger|remote|festival|wedding|hospital|appointment|party|later|soon|next week|tomorrow morning|after the (?:party|match|game|exam|holiday|wedding|weekend|op|operation|baby|funeral)|landlord|solicitor|estate agent|mortgage|baby|pregnan\w*|birthday present|christmas|outgrown|upgrad\w*|selling|sold|for the (?:week|weekend))\b")
    .not_negatable()
    .any_time()
    .veto(r"\b(?:doing (?:so |much |a lot |really )*(?:better|well|great)|feeling (?:so |much |a lot )*(?:better|good|great)|got the job|new (?:job|chapter|flat|house|start)|happy (?:new year|christmas|holidays|birthday)|see you (?:all )?(?:soon|tomorrow|later|next|in|on)|back (?:soon|next|in a)|for a (?:while|bit|few)|holiday|so proud|so grateful|cant wait|excited|good ?night|sleep well|(?:just )?kidding|jk|lmao|haha)\b")
    .cue(),
    signal(
        "crisis.car-garage",
        Level::Crisis,
        "a car running in a closed garage",
        r"\bgarage\b[^.!?\n]{0,60}\b(?:engine|car|motor) (?:is |still |left )?(?:running|on)\b|\b(?:engine|car) (?:is |still |left )?running\b[^.!?\n]{0,40}\bgarage\b",
    )
    .trigger(r"\bgarage")
    .guard(r"\b(?:warm(?:ing)? (?:it |the car )?up|mechanic|fix\w*|repair\w*|door (?:is |was )?open|opened the door|ventilat\w*|lol|haha|film|episode)\b")
    .not_negatable(),
    // ---- broader phrasings (2026-11-23.3) --------------------------------
    // Written from the kinds of posts cross-validation missed: euphemisms,
    // settling affairs, signs of a decision, symptoms after an overdose,
    // other people's words, self-harm with everyday objects.
    signal(
        "crisis.euphemism",
        Level::Crisis,
        "a euphemism for ending their life ('goodnight for good', 'clock out for good', 'not be here by morning')",
        r"\b(?:sleep|go to sleep|going to sleep|goodnight|good night|night night|clock(?:ing)? out|check(?:ing|ed)? out|bow(?:ing)? out|tap(?:ping)? out|switch(?:ing)? (?:my ?self )?off) (?:for good|permanently|for the (?:last|final) time)\b|\bcheck(?:ing)? out early\b|\b(?:final|last) (?:exit|goodnight|good night|log ?(?:off|out)|sign ?off|bow|curtain)\b|\b(?:sign(?:ing)?|log(?:ging)?) off from (?:\w+ ){0,4}?(?:everything|life|the world)\b|\b(?:not|never|no longer) (?:be )?(?:here|around|alive|breathing) (?:by|come|in the|after) (?:morning|tomorrow|the morning|midnight|sunrise|dawn|the weekend)\b|\b(?:wont|will not|no|not|never) be hearing from me (?:again|any ?more)\b|\bmake (?:it|this|the pain|everything) (?:all )?(?:stop|end|go away) (?:for good|permanently|forever)\b|\b(?:ill|i will) (?:finally )?be at peace (?:tomorrow|tonight|soon|by)\b",
    )
    .trigger(r"\b(?:for good|permanently|forever|for the (?:last|final) time|final|last|off from|(?:here|around|alive|breathing) (?:by|come|in the|after)|hearing from me|out early|at peace)")
    .guard(r"\b(?:social media|socials|app|site|twitter|instagram|facebook|tiktok|toxic|detox|break|motorway|junction|roundabout|exam|match|game|season|shift|job|work|office|hotel|holiday|film|movie|book|episode|series|show|tour|gig|concert|lol|haha)\b")
    .not_negatable(),
    signal(
        "crisis.last-things",
        Level::Crisis,
        "a last sunset, meal or cigarette",
        r"\bmy (?:very )?last (?:sunset|sunrise|meal|supper|cigarette|fag|cuppa|cup of tea|walk|swim|song|drink|pint)\b",
    )
    .trigger(r"\blast (?:sunset|sunrise|meal|supper|cigarette|fag|cuppa|cup of tea|walk|swim|song|drink|pint)")
    .guard(r"\b(?:ago|was|proud|since|days?|weeks?|months?|years?)\b|\b(?:holiday|trip|flying|fly|flight|before (?:i|we) (?:fly|go|leave|head)|of the (?:holiday|trip|summer|year|week|day|season)|in (?:greece|spain|italy|france|portugal|cornwall|the lakes)|before (?:uni|work|the move|moving|surgery|my op|the op)|ever as a|as a (?:student|single|smoker)|quit\w*|giving up|lent|diet|new year|lol|haha)\b"),
    signal(
        "crisis.join-the-dead",
        Level::Crisis,
        "wants to join someone who has died",
        r"\b(?:going to|gonna|want to|wanna|ready to|time to|about to|longing to|need to|i (?:will|can|could) (?:finally |soon )?|ill (?:finally |soon )?)\s*(?:go and |finally |just )?(?:join|be with|see) (?:my )?(?:late )?(?:mum|mom|mam|mother|dad|father|nan|nana|nanna|gran|granny|grandad|grandma|grandpa|brother|sister|son|daughter|baby|husband|wife|partner|boyfriend|girlfriend|friend|bestie|him|her|them) (?:again|soon|tonight|at last|up there|in heaven|on the other side)\b",
    )
    .trigger(r"\b(?:join|be with|see) (?:my )?(?:late )?(?:mum|mom|mam|mother|dad|father|nan|nana|nanna|gran|granny|grandad|grandma|grandpa|brother|sister|son|daughter|baby|husband|wife|partner|boyfriend|girlfriend|friend|bestie|him|her|them)")
    .guard(r"\b(?:for (?:dinner|lunch|tea|breakfast|a|the|christmas|easter)|at the|in the (?:pub|cafe|park|garden)|on holiday|abroad|trip|weekend away|wedding|birthday|party|pub|cafe|restaurant|flight|visit\w*|home|australia|spain|canada|america)\b")
    .cue()
    .support(r"\b(?:died|passed|gone|lost|heaven|grave|miss (?:him|her|them)|since (?:he|she|they)|funeral|death|dead)\b"),
    signal(
        "farewell.settling",
        Level::Crisis,
        "settling affairs: phone wiped, keys left, pets handed over, things labelled, subscriptions cancelled",
        concat!(
            r"\b(?:wiped|wiping|factory reset|reset) (?:my |the )?(?:phone|laptop|computer|pc)\b|\b(?:cleared|clearing|deleted|deleting|wiped) (?:my |the )?(?:search|browser|browsing|internet) history\b",
            r"|\b(?:left|leaving|posted|put|hung) (?:the |my )?(?:spare |car |house |front door |back door |flat )?keys? (?:on|under|with|for|through|in|back)\b|\b(?:spare )?keys? (?:is|are|s) (?:on|under|with|in) (?:the|my)\b",
            r"|\beverything(?:s| is) (?:labelled|labeled|tidy|paid|in order|in place)\b|\b(?:bills|rent|debts?) (?:are |is |s )?(?:all )?(?:paid|sorted|on direct debit|covered)\b",
            r"|\b(?:passcode|pin|password)s?\b[^.!?\n]{0,30}\b(?:for (?:my|the)|on a|written|left|under|in the)\b",
            r"|\b(?:changed|changing|updated|made|signed|sorted) (?:my|a) will\b|\bwill (?:is )?(?:signed|done|sorted|written)\b",
            r"|\bcancel(?:led|ed|ling)? (?:my |the |all my |all the )?(?:\w+ )?(?:subscriptions?|direct debits?|contract|delivery|deliveries|membership|standing orders?)\b",
            r"|\b(?:donated|gave|given|giving) (?:away )?(?:all )?(?:of )?my (?:\w+ ){0,2}?(?:clothes|things|stuff|books|guitar|games|xbox|ps\d|console|laptop|pc|bike|coat|jacket|trainers|records|jewellery|ring|watch|plants|camera|hoodie|savings)\b",
            r"|\b(?:dropped|dropping|drop|left|leaving|taken|took|take|gave|given|giving|rehomed|rehoming) (?:off )?(?:the |my |our )?(?:dog|cat|rabbits?|hamster|pets?|budgie|tortoise|puppy|kitten) (?:off )?(?:at|with|to|round)\b|\brehom(?:ed|ing) (?:the |my |our )?\w+\b",
            r"|\b(?:told|telling|said to|said|saying) (?:them|everyone|him|her|my \w+|people|work|i|that)?\b[^.!?\n]{0,15}\b(?:im|i am|i was|id be) (?:going|moving) (?:away|abroad)\b|\b(?:im|i am) not (?:really )?(?:moving|going) (?:abroad|away)\b",
            r"|\b(?:tie|tying|tied) up (?:the |all the |any |my )?loose ends\b|\bnothing (?:left )?to tie up\b",
            r"|\b(?:asked|told) (?:next door|(?:my |the )?(?:neighbour|neighbor|friend|sister|brother|mum|mom|mam|dad|nan|mate)) to (?:keep|have|take|look after|feed) (?:the|my) (?:cat|dog|rabbits?|hamster|pets?|budgie|tortoise|puppy|kitten|plants|fish)\b|\b(?:its|it is|its going to be|it will be) for good\b|\bno point (?:in )?(?:renewing|booking|buying|planning|paying|making|saving|starting|sorting|fixing|getting)\b",
            r"|\bfor (?:whoever|whoever comes|when they|the person who) (?:finds|comes|find)\b|\bto (?:whoever|whomever|anyone who|the person who) (?:reads|finds|sees) this\b",
            r"|\b(?:the )?last (?:thing|things|job|jobs) (?:to do )?(?:is|are|left|before)\b|\bpost(?:ed|ing)? (?:the|my) letters\b",
            r"|\b(?:giving|gave|given|give|dropping|dropped|leaving|left|taking|took) (?:off )?(?:the|my|our) (?:\w+ ){1,2}?(?:to|with) (?:my |the )?(?:neighbou?r|next door|sister|brother|mum|mom|mam|dad|parents|nan|gran|friend|mate|cousin|aunt|uncle)\b",
            r"|\bbought (?:the )?(?:last|final) (?:thing|bits?|things|bit) (?:i )?need(?:ed)?\b|\b(?:its|it is|everything(?:s| is)|theyre|they are|all) (?:all )?(?:lined up|laid out|counted out)\b|\bfinally (?:got |have )?enough\b|\b(?:theres|there is) (?:finally |more than )?enough\b",
        ),
    )
    .trigger(r"\b(?:wip|reset|history|key|everything|bills|rent|debt|passcode|pin|password|(?:changed|changing|updated|made|signed|sorted) (?:my|a) will|will (?:is )?(?:signed|done|sorted|written)|cancel|donat|gave|given|giving|give|dog|cat|rabbit|hamster|pet|budgie|tortoise|pupp|kitten|rehom|away|abroad|tie|tying|tied|whoever|whomever|anyone who|person who|when they|last|letters|asked|told|for good|no point|bought|lined up|laid out|counted out|enough|(?:to|with) (?:my |the )?(?:neighbo|next door|sister|brother|mum|mom|mam|dad|parents|nan|gran|friend|mate|cousin|aunt|uncle))")
    .guard(r"\b(?:locked out|lost (?:my|the)|holiday|trip|away for (?:the|a|two|three|\d+) (?:weekend|week|weeks|night|nights|few days|fortnight|month|days)|vet|kennels?|cattery|sitter|while (?:im|i am|we)|for the (?:week|weekend|night|day)|work (?:trip|do|party|conference|laptop|phone)|baby|pregnan\w*|grown up|safe ?keeping|to keep (?:me|my ?self) safe|so (?:i dont|i cant|i wont)|safety plan|new (?:phone|job|flat|house|laptop|will written since)|upgrad\w*|selling|sold|moving (?:house|flat|in|out)|declutter\w*|spring clean|landlord|airbnb|hotel|spare room|flu|ill|poorly|covid|rescheduled?|budget|saving money|cost of living|price|dementia)\b")
    .not_negatable()
    .any_time()
    .veto(concat!(bereaved!(), "|", r"\b(?:got the job|new (?:job|chapter|flat|house|start)|happy (?:new year|christmas|holidays|birthday)|see you (?:all )?(?:soon|tomorrow|later|next|in|on)|back (?:soon|next|in a)|holiday|wedding|so proud|cant wait|excited|lol|haha)\b"))
    .cue(),
    signal(
        "crisis.decided",
        Level::Crisis,
        "a decision made and a time set ('the decision's made', 'train times checked', 'tonight at 2')",
        r"\b(?:the )?(?:decision|choice)(?:s| is| has been)? (?:been )?made\b|\bstill decided\b|\bnow or never\b|\b(?:worked|figured|sorted|planned) out (?:how|when|where) (?:im|i am|i will|ill|to) (?:going to )?(?:do it|go)\b|\bhow (?:im|i am) going to do it\b|\b(?:the )?date(?:s| is)? (?:set|circled|chosen|picked|fixed)\b|\b(?:train|bus|tide) times? (?:checked|looked up)\b|\b(?:tonight|tomorrow) at \d|\b(?:its|it is) (?:tonight|tomorrow|today) either way\b|\b(?:\d+|\w+) (?:years?|yrs) (?:on this (?:earth|planet) |of (?:this|living|life|being alive|it) |alive )?(?:is|was|has been|s been) (?:long )?enough\b|\bthis is where i (?:say|get off|stop|leave)\b|\b(?:a|another|my|the) way out (?:sorted|planned|ready|arranged)\b",
    )
    .trigger(r"\b(?:decision|choice|decided|now or never|(?:worked|figured|sorted|planned) out|how (?:im|i am) going|date|times? (?:checked|looked)|(?:tonight|tomorrow) at \d|either way|enough|this is where|way out)")
    .guard(r"\b(?:packed|bags|off to|journey|travel\w*|visit\w*|flights?|train to|coach)\b|\b(?:exams?|party|wedding|holiday|job|interview|flight|trip|gig|concert|match|date night|booked|table|restaurant|dinner|cinema|quit|resign\w*|notice|leaving (?:work|the job)|move|moving|house|flat|course|degree|uni|college|divorce|break ?up|relationship|marathon|race|diet|surgery|operation|baby|lol|haha)\b")
    .not_negatable()
    .cue()
    .support(concat!(plan_time!(), r"|\b(?:tonight|right now|now)\b|\band (?:when|where)\b")),
    signal(
        "crisis.hurt-question",
        Level::Crisis,
        "asks whether dying hurts, or about 'the jumping part'",
        r"\b(?:does|will|would|do you think) (?:it|drowning|jumping|hanging|dying|the fall|falling|an overdose|bleeding out|the impact) (?:hurts?|be painful|take long)\b|\bif (?:it|dying|drowning|jumping) hurts\b|\bdoes it hurt to (?:drown|die|jump|hang|bleed)\b|\bthe (?:jumping|drowning|hanging|falling|landing|impact) part\b",
    )
    .trigger(r"\b(?:hurt|painful|take long|(?:jumping|drowning|hanging|falling|landing|impact) part)")
    .guard(r"\b(?:tattoo|piercing|injection|jab|vaccine|smear|waxing|blood test|filling|dentist|labou?r|birth|surgery|operation|ear|nose|belly button|ink|laser|coil|iud|tooth|stitches|cannula|skydiv\w*|bungee|parachute|dive|diving|pool|swim\w*|ski\w*|zip ?wire|kids?|toddler|dog|cat)\b")
    .cue(),
    signal(
        "crisis.act-symptoms",
        Level::Crisis,
        "describes how they feel after taking pills, drink or poison, or losing blood",
        r"\b(?:starting to |beginning to |i |im |i am |and )(?:feel(?:ing)? )?(?:really |very |so |proper )?(?:strange|weird|woozy|drowsy|dizzy|faint|floaty|spaced out)\b|\b(?:cant|cannot|can not) (?:feel my (?:hands|legs|feet|face|fingers)|keep my eyes open|stay awake|breathe properly|see properly|stand up)\b|\broom(?:s| is) spinning\b|\b(?:havent|have not) got long\b|\bvision (?:is )?(?:going|blurry|blurred|fading)\b|\bheart (?:is )?(?:racing|pounding|slowing|doing something weird)\b|\bthrowing up (?:blood|everywhere)\b|\b(?:i )?(?:think )?i (?:went|gone|have gone|ve gone) too far\b|\b(?:floor|sink|bath|towel|sheets?)(?: is| are|s)? (?:really |so |all )?(?:red|covered in blood|soaked)\b",
    )
    .trigger(r"\b(?:strange|weird|woozy|drowsy|dizzy|faint|floaty|spaced|feel my|keep my eyes|stay awake|breathe|see properly|stand up|spinning|got long|vision|heart|throwing up|too far|red|blood|soaked)")
    .guard(r"\b(?:hangover|hungover|pregnan\w*|flu|covid|migraine|vertigo|ear infection|roller ?coaster|ride|spin class|gym|workout|run|marathon|boat|sea ?sick|travel|flight|jet ?lag|period|anaemi\w*|low blood sugar|hypo|blood (?:test|donation|pressure)|gave blood|donat\w*|painting|paint|wine (?:stain|spill)|red wine|beetroot|tomato|ketchup|hair dye|lol|haha)\b")
    .only_with(concat!(r"\b(?:", drugs!(), r"|vodka|wine|whisky|whiskey|gin|booze|alcohol|drink|drank|drunk|cans|bleach|poison|antifreeze|took|taken|swallowed|downed|necked|overdose|od|blood|bleeding|cut|cuts|cutting|razor|blade|knife)\b")),
    signal(
        "high.third-party-words",
        Level::High,
        "someone else says they would be better off dead or sees no point in going on",
        concat!(
            r"\b(?:said|says|saying|told me|tells me|texted|messaged|keeps saying|kept saying|keeps telling me|kept telling me|goes on about|went on about|mentioned)\b[^.!?\n]{0,25}?\b(?:(?:hed|shed|theyd|he would|she would|they would|id|i would) (?:be )?(?:better off dead|rather be dead|rather die|be better off gone)",
            r"|(?:he|she|they) (?:doesnt|dont|does not|do not|cant|cannot) see (?:the |any )?point (?:in|of) (?:carrying on|going on|living|life|anything|being here|it all)",
            r"|(?:hes|shes|theyre|he is|she is|they are) (?:done|finished) with (?:life|living|it all)",
            r"|(?:he|she|they) (?:wants?|wanted) to (?:go to sleep and not wake up|not wake up|disappear for good|end it(?: all)?|be with (?:mum|dad|\w+) again|join (?:mum|dad|\w+)))",
            r"|\b(?:threatening|threatened|says (?:he|she|they)(?:ll| will| is going to)|going to) set (?:him|her|them)sel(?:f|ves) (?:on fire|alight)\b",
            r"|\bholding (?:a|the) (?:knife|blade|razor|gun|pistol) (?:to|against|at) (?:his|her|their|my) (?:wrists?|throat|neck|head|chest|arm)\b",
        ),
    )
    .trigger(r"\b(?:better off|rather (?:be dead|die)|see (?:the |any )?point|(?:done|finished) with (?:life|living|it all)|wants? to (?:go to sleep|not wake|disappear|end it|be with|join)|wanted to (?:go to sleep|not wake|disappear|end it|be with|join)|set (?:him|her|them)sel|holding (?:a|the))")
    .guard(r"\b(?:years ago|last year|used to|in the (?:film|book|show|game)|character|lol|haha|jok\w*|phrase|expression|figure of speech|dramatic|football|match|score|traffic|queue|homework|exam|dentist|about (?:the|his|her|their) (?:job|team|car|phone))\b"),
    signal(
        "high.thoughts-more",
        Level::High,
        "thinks of ways out, of being gone, of driving into something, or looks at heights differently",
        concat!(
            r"\b(?:think|thinking|thought|thoughts)\b[^.!?\n]{0,15}\b(?:about|of) (?:ways|a way|the way|an easy way) out\b",
            r"|\b(?:looking for|want|need|find|found|thinking about|considering) (?:a |the )?(?:way out|exit|escape)\b[^.!?\n]{0,3}[.!?,]?\s*(?:a )?permanent (?:one|way out|exit|escape|solution)\b",
            r"|\ba permanent (?:way out|exit|escape|solution to (?:everything|it all|my pain|the pain|this|me))\b|\bpermanent(?:ly)? (?:end|stop) (?:it all|everything|the pain|my pain|my life)\b",
            r"|\b(?:fixat\w*|obsess\w*|dwell\w*|dwelt|think\w*|thought|dream\w*|fantasi[sz]\w*) (?:on|about|of) (?:the (?:idea|thought) of )?(?:being gone|not existing|not being here|being dead|my (?:own )?death|my funeral)\b",
            r"|\blooking at (?:tall |high )?(?:buildings|bridges|trains|cliffs|the tracks|rivers?|car parks|the rope|ropes|pills|knives|my pills) (?:differently|in a different way|a different way)\b",
            r"|\b(?:thought|idea|urge|image|picture|temptation)s? (?:of|to) (?:just )?(?:swerv|steer|driv|crash|step|jump|walk|throw)\w* (?:my ?self |my car |the car )?(?:into|off|in front of|under|onto)\b",
            r"|\b(?:suicidal|suicide) (?:thoughts )?every (?:hour|minute|day|night|morning)\b",
            r"|(?:(?m:^)\s*|[.!?]\s+)(?:so |very |really )?suicidal (?:and|but|most|all|at|since|for|every|on and off)\b",
            r"|(?:(?m:^)\s*|[.!?]\s+)(?:been |keep |still |always )?(?:thinking|thought) (?:about|of) (?:ending it|ending it all|ending my life|killing my ?self|suicide|not being here|taking my (?:own )?life)\b",
        ),
    )
    .trigger(r"\b(?:way out|ways out|permanent|being gone|not existing|not being here|being dead|death|my funeral|differently|different way|(?:of|to) (?:just )?(?:swerv|steer|driv|crash|step|jump|walk|throw)|suicid|ending it|ending my life|killing my|taking my)")
    .guard(r"\b(?:of (?:my|the|this) (?:contract|job|lease|tenancy|marriage|relationship|debt|mortgage|situation|course)|out of (?:my|the|this)|escape room|fire exit|his|her|their|dog|cat|film|movie|book|game|character|lol|haha|job|career|exam|marker|hair|tattoo|make ?up|ink|cancer|covid|health anxiety)\b"),
    signal(
        "high.act-on-wish",
        Level::High,
        "means to act on a wish not to exist ('I should make that happen')",
        r"\b(?:i (?:should|could|might|want to|need to|am going to|will)|im going to|im gonna|gonna|ill) (?:just )?(?:make (?:that|it) happen|go(?:\s*[.!?,\n]|\s*$)|act on it|act on them|do something about it|go through with it)|\b(?:im |i am )?(?:making|make|going to make|gonna make) sure of it\b|\b(?:tonight|today|tomorrow|this weekend) i stop\b|\b(?:planning|going|about|gonna) to find out (?:tonight|today|tomorrow|this weekend)\b",
    )
    .trigger(r"\b(?:happen|(?:should|could|might|want to|need to|going to|gonna|will|ill) (?:just )?go\b|act on|do something about it|go through with it|sure of it|i stop|find out)")
    .guard(r"\b(?:job|work|uni|course|trip|holiday|party|gym|doctor|gp|therapy|appointment|dream|goal|business|plan for|lol|haha)\b")
    .cue(),
    signal(
        "high.self-harm-objects",
        Level::High,
        "self-harm with everyday objects, or to feel something",
        concat!(
            r"\b(?:went|gone|going|go) at my (?:own )?",
            body!(),
            r"|\b(?:self[- ]?harm\w*|sh(?:ing|ed|d)?|cutting|cut|scratch\w*|burn\w*) (?:my ?self |my \w+ )?with (?:a|the|my) (?:compass|razor|blade|sharpener|scissors|glass|lighter|pin|needle|knife|pencil sharpener)\b",
            r"|\bold habits?\b[^.!?\n]{0,30}\b(?:compass|razor|blade|sharpener|scissors|lighter|knife)\b",
            r"|\bscratch\w* (?:my|ma) (?:\w+ )?(?:arms?|skin|legs?|wrists?) (?:to|tae|into) (?:bits|shreds|pieces)\b",
            r"|\b(?:cut|cutting|burn\w*|starv\w*|hit\w*|punch\w*|scratch\w*|hurt\w*|harm\w*)\b[^.!?\n]{0,40}\b(?:just |only )?to (?:feel something|feel anything|feel real|punish my ?self)\b",
            r"|(?:(?m:^)\s*|[.!?,;]\s*|\b(?:and|i|ive|just|then)\s+)cut (?:my ?self |my \w+ )?(?:again|twice|(?:three|four|five|a few|\d+) times|last night|this (?:week|morning)|tonight|today|yesterday|earlier|for the first time (?:in|since))\b",
            r"|\b(?:stopped|stopping|quit|skipping|not taking) (?:taking |injecting )?my insulin\b",
            r"|\b(?:started|starting|relapsed|went back|gone back|back) (?:again )?(?:with|to) (?:a|the|my) (?:razor|blade|compass|sharpener|lighter|scissors|knife)\b",
            r"|(?:(?m:^)\s*|[.!?]\s+)(?:shd|sh-?ing|s h d)\b|\b(?:cutting|self[- ]?harm(?:ing)?|selfharm\w*|sh)(?:s| is| has| has been|s been) (?:back|come back|returned|started again)\b|\b(?:\d+|two|three|four|five|six|a few|some) (?:lines|cuts)\b[^.!?\n]{0,20}\b(?:not (?:too )?deep|deep|tonight|last night|today|on my)\b",
        ),
    )
    .trigger(r"\b(?:at my|compass|razor|blade|sharpener|scissors|glass|lighter|pin|needle|knife|old habit|bits|shreds|pieces|feel something|feel anything|feel real|punish my|cut|insulin|shd|sh-?ing|s h d|(?:self[- ]?harm|selfharm|sh)(?:s| is| has)|lines)")
    .guard(r"\b(?:hair|fringe|nails|grass|lawn|hedge|fabric|paper|wood|onions?|veg\w*|cooking|kitchen|shav\w*|by accident|accidentally|diet|gym|workout|sugar|carbs|costs|corners|coupons?|cut(?:ting)? class|doctor|gp|nurse|consultant|told|advised|switch\w*|pump|hypo\w*|sugars? (?:is|are|was|were) low|forgot|lol|haha|(?:she|he|they|cat|dog|toddler) (?:scratched|bit|cut))\b"),
    signal(
        "farewell.more",
        Level::Crisis,
        "may be a goodbye ('this'll be my last post', 'mind yourselves', 'not going home tonight')",
        r"\bthis(?:ll| will| is going to) be (?:my|the) (?:last|final) (?:post|message|time)\b|\bmind (?:yourselves|yourself|each other)\b|\b(?:not|never) (?:going|walking|coming|getting) (?:back )?(?:home|back|up)(?: \w+){0,2} (?:tonight|this time|again|ever)\b|\b(?:rather than|instead of) (?:just )?(?:vanishing|disappearing)\b|\b(?:the )?only reason (?:i was|i stayed|i kept going|im still|i am still|i was still)(?: \w+)?\b|\bits been (?:a good run|fun|real|emotional)(?:\s*[.!,\n]|\s*$)|\b(?:said|saying|say|wrote|written|writing|posted|posting|sent|done|made) (?:all )?my goodbyes\b|\b(?:turned|switched|turning|switching) (?:my )?phone off\b|\b(?:my )?phone(?:s| is)? (?:going|gonna be|will be) off\b|\bnotes?\b[^.!?\n]{0,25}\b(?:are|is|s) (?:all )?(?:written|done|finished|ready|sealed)\b|\bletters?\b[^.!?\n]{0,25}\b(?:are|is|s) (?:all )?(?:written|done|finished|ready|sealed|posted)\b",
    )
    .trigger(r"\b(?:last|final|mind (?:yoursel|each other)|(?:going|walking|coming|getting) (?:back )?(?:home|back|up)|rather than|instead of|only reason|goodbyes|note|letter|its been|phone)")
    .guard(r"\b(?:holiday|trip|thread|topic|question|forum break|break from|shift|work|office|exam|job|party|wedding|moving|new (?:job|flat|house)|birthday|christmas|thank you|cards?|cover|application|grandchildren|grandkids|to open|time capsule|lol|haha)\b")
    .not_negatable()
    .veto(concat!(upbeat!(), "|", bereaved!()))
    .cue(),
    signal(
        "high.not-joking",
        Level::High,
        "wants to die and says it is not a joke",
        r"\b(?:wanna|want to|going to|gonna|could|might) (?:just )?(?:die|kms|k m s|kill my ?self|end it|unalive)\b[^\n]{0,30}?\b(?:not (?:even )?(?:joking|kidding)|no but (?:actually|seriously|really|for real)|(?:im|i am) (?:being )?(?:serious|deadly serious)|not a joke)\b",
    )
    .trigger(r"\b(?:joking|kidding|no but|serious|not a joke)")
    .not_negatable(),
    signal(
        "high.not-a-figure-of-speech",
        Level::High,
        "says a wish not to wake up is meant literally ('not in a lazy way')",
        r"\bnot in (?:a|the) (?:lazy|tired|sleepy|nap|holiday) (?:way|sense)\b|\b(?:like )?for real,? not (?:go(?:ing)? on (?:a )?holiday|a holiday|a nap|a break)\b|\bi (?:dont|do not) mean (?:a nap|napping|a lie in|a holiday|like a nap)\b|\bi mean (?:it )?(?:permanently|for good|forever)\b|\b(?:and )?i (?:mean|meant) it (?:this time|literally)\b",
    )
    .trigger(r"\b(?:not in|i (?:dont|do not) mean|i mean|i meant|for real)")
    .guard(r"\b(?:lol|haha|job|work|diet|gym|quit\w*|leave|leaving|him|her|them)\b")
    .not_negatable()
    .cue(),
    // ---- concern --------------------------------------------------------
    signal(
        "concern.self-harm-urge",
        Level::Concern,
        "has urges to self-harm, or fears a relapse",
        r"\b(?:urges?|tempted|craving|cravings|itch|itching|close|wanting|want|desire|pull)\s+(?:to\s+)?(?:cut|self[- ]?harm|selfharm|sh\b|hurt my ?self|harm my ?self|burn my ?self|scratch|pick|relapse|restrict|purge|binge)\b|\b(?:old |the )?urges? (?:are |is |have |has )?(?:creeping |coming |came |come )?back\b|\bpicking at (?:my |the |old )*(?:scars|skin|wounds)\b|\b(?:thought|thinking|think) about (?:cutting|self[- ]?harm\w*|selfharm\w*|hurting my ?self|sh\b)|\b(?:worried|scared|afraid|terrified) (?:im|i am|i might|ill|i will|that i(?:ll| will| might)?) (?:going to |gonna )?(?:relapse|slip|sliding back|slipping back|go back to|start (?:self[- ]?harm\w*|selfharm\w*|cutting|sh\b))|\b(?:sliding|slipping) back (?:into|to)\b|\bfeeling (?:that|the same) way again\b|\bstarting to (?:feel|think) (?:like )?that (?:way )?again\b",
    )
    .trigger(r"\b(?:thought|thinking|think|urge|tempt|crav|itch|close|want|desire|pull|picking|worried|scared|afraid|terrified|sliding|slipping|feeling|starting)")
    .guard(r"\b(?:hair|fringe|nails|down|back on|out|off|costs|corners|class|ties|carbs|cake|ribbon|grass|lawn|hedge|in line|queue|fabric|wood|scratch my own itch|scratch the surface|scratch cards?|from scratch)\b")
    .any_time(),
    signal(
        "concern.hopeless",
        Level::Concern,
        "hopelessness or not being able to go on",
        r"\b(?:whats|what is) (?:even )?the point(?: (?:of|in) (?:anything|living|life|going on|carrying on|trying|it all|me|being here))?\b|\bno (?:point|reason) (?:in |to )?(?:even )?(?:living|anything|going on|carrying on|being alive|trying|to live|to go on|being here|me)\b|\bno point to me\b|\b(?:feel(?:ing)?|feels|im|i am|so|completely|totally|just|and) (?:so |completely |totally |utterly )?(?:hopeless|pointless)\b|\bwhy (?:do )?i (?:even )?bother\b|(?:(?m:^)\s*|[.!?]\s+)hopeless\b|\bno hope\b|\bnothing (?:will|is going to|ever) (?:gets? )?better\b|\bit (?:will never|wont ever|never) get(?:s)? better\b|\b(?:cant|cannot) see (?:it|things|anything) (?:ever )?getting better\b|\bgiv(?:e|ing) up on (?:life|everything|my ?self)\b|\bi cant any ?more\b|\bcant (?:go on|do this (?:any ?more|no more)|take (?:it|this|much more)(?: any ?more)?|cope any ?more|keep going|carry on|see a way out|see a future|do it any ?more)\b|\b(?:cant|dont|do not|cannot) see the point(?: (?:any ?more|(?:in|of) (?:anything|living|life|trying|going on|carrying on|getting up|getting out of bed|doing anything|any of it|it all)))?(?:\s*[.!?,\n]|\s*$| any ?more)|\bno way out\b|\b(?:cant|cannot) see (?:a|any|any other) (?:other )?way(?: out| forward| through)?\b|\bcant cope(?: with (?:anything|it|this|life))? any ?more\b|\b(?:cant|cannot) keep (?:living|going on|going|doing this|existing) like this\b|\b(?:cant|cannot) live (?:with (?:what|my ?self|this|it|the guilt|the shame)|like this)\b|\b(?:struggling|hard|failing) to see the point\b|\bno future\b|\bready to give up\b|\bwant to give up\b|\bnothing (?:really )?matters(?: any ?more)?\b|\b(?:being alive|living|life|existing) (?:is|feels) (?:so |just |really )?(?:exhausting|too hard|unbearable|pointless|torture)\b|\bwhy people give up\b|\bnowhere (?:else )?to (?:go|turn)\b|\bdont know how (?:much (?:longer|more)(?: of this)? i can (?:take|cope|do|keep)|(?:to|i can) (?:keep going|carry on|go on|cope))\b",
    )
    .trigger(r"\b(?:being alive|living|life|existing|nothing|want to give|see a|see any|the point|no point|no reason|hopeless|pointless|bother|no hope|better|giv|cant|cannot|no way out|no future|nowhere|dont know how|ready to give)")
    .guard(r"\b(?:of|in) (?:this|that|the) (?:rule|thread|post|app|update|meeting|change|feature|game|show|film|argument|example|question|exercise|test|function|code|method|option|setting|button|article|review)\b|\bweather\b|\bhopeless (?:at|romantic|case|with)\b"),
    signal(
        "concern.burden",
        Level::Concern,
        "feels a burden; others would be better off without them",
        r"\bbetter off without me\b|\b(?:im|i am|feel like|feel|i feel like) (?:just |such |nothing but )?(?:a |such a )?(?:complete |total |massive |huge )?burden\b|\b(?:everyone|everybody) hates me\b|\b(?:nobody|no ?one) (?:likes|cares about|loves|wants) me\b|\b(?:such a |a )burden (?:on|to) (?:my|everyone|them|you|him|her|the)\b|\bno ?one would (?:care|notice|miss me)\b|\b(?:nobody|no ?one) (?:would|will) (?:even )?(?:care|notice|miss me)\b|\bwouldnt (?:even )?(?:notice|care|miss me) if i (?:was|were|wasnt|werent) (?:gone|here|around)\b|\bwaste of (?:space|oxygen|air)\b|\b(?:world|everyone|they) would (?:carry on|be fine|be better|get on)(?: \w+){0,2} without (?:me|them|us)\b|\btaking up space\b|\b(?:everyone|everybody|they|people|my family) would be (?:happier|better|better off|fine) (?:if i (?:wasnt|werent|was not|wasnt not) (?:around|here|alive)|without me)\b",
    )
    .trigger(r"\b(?:better off|burden|hates me|nobody|no ?one|wouldnt|waste of|without|taking up space|would be)")
    .guard(r"\b(?:youre|you are|your|not) (?:not )?a burden\b"),
    signal(
        "concern.passive-wish",
        Level::Concern,
        "wishes not to exist or not to wake up",
        r"\b(?:wish|wishing|hope|hoping|pray|praying)\s+(?:i\s+)?(?:could\s+)?(?:just\s+)?(?:(?:dont|do not|didnt|wouldnt|never|wont) wake up|disappear(?: forever)?|stop existing|not exist|not be here|wasnt here|werent here|wasnt alive|was dead|were dead|was never born|hadnt been born|had never been born|id never been born|never been born|didnt exist|did not exist|wasnt born|(?:id |had |i had )?never woken up|hadnt woken up|didnt wake up|fall asleep (?:and|forever)|sleep forever|vanish|wasnt around|could sleep forever|go to sleep and|stay asleep)|\b(?:hope|hoping|wish) (?:you|i) (?:dont|wont|never|do not) wake up\b|\b(?:happier|better) if (?:id|i had) never been born\b|\b(?:dont|do not) want to (?:be here|exist|be alive|wake up|live|go on|be around)(?: any ?more)?\b|\b(?:go to sleep|fall asleep|sleep) and (?:never|not) (?:wake up|have to)\b|\bfall asleep and stay asleep\b|\b(?:tired|sick) of (?:living|being alive|life|existing)\b|\bbetter off dead\b|\bwant(?:ed)? (?:it|everything|the pain) to (?:stop|end|be over)\b|\b(?:sleep|go to sleep) forever\b|\bcease to exist\b|\bdont care if i die\b|\bwouldnt mind (?:if i )?(?:dying|not waking up|if i died)\b|\bwouldnt mind if (?:a |the )?(?:bus|car|lorry|truck|train|something|someone) (?:hit|hits|ran|runs) (?:me|over me)\b|\b(?:wish|hope) (?:a |the )?(?:bus|car|lorry|truck) (?:would )?(?:hit|hits) me\b|\b(?:nice|easier|better|simpler) (?:to|if i) (?:just )?(?:not exist|didnt exist|wasnt here|werent here|wasnt around|disappeared|vanished|could disappear|stopped existing)\b|\bwant to (?:just )?(?:disappear|vanish|not exist|stop existing)\b|\b(?:come|go|turn up|show up) to my funeral\b|\b(?:disappointed|gutted|upset|annoyed|angry) (?:that )?(?:im|i am|i was|i m) still (?:here|alive|breathing)\b|\b(?:disappointed|gutted|upset|annoyed) (?:to|that i) (?:wake|woke|have woken) up\b|\b(?:daydream\w*|fantasi[sz]\w*) about (?:a car crash|an accident|getting hurt|being hit|ending up in hospital)\b|\b(?:imagining|picturing|imagine|picture|thinking about) my (?:own )?(?:death|funeral)\b",
    )
    .trigger(r"\b(?:wish|hop|pray|never been born|want|sleep|asleep|tired of|sick of|better|cease|care if|wouldnt mind|nice|easier|simpler|daydream|fantasi|death|funeral|come|go |turn up|show up|imagin|pictur|thinking about|disappointed|gutted|upset|annoyed|angry)")
    .guard(r"\b(?:lol|haha|lmao|nap|so comfy|after (?:that|this|my|the) (?:shift|day|week|run|walk|party|gym|night out))\b")
    .not_negatable(),
    signal(
        "concern.distress",
        Level::Concern,
        "describes current distress",
        concat!(
            r"\b(?:im|i am|i feel|i felt|feel|feeling|felt|been feeling|ive been|i have been)\s+",
            intens!(),
            r"(?:like (?:a |such a |an? )?",
            intens!(),
            r")?(?:worthless|empty|numb|broken|desperate|trapped|hollow|miserable|useless|unbearable|lost|alone|lonely|ashamed(?: of my ?self)?|low|down|depressed|invisible|(?:a |such a |the |an? )?(?:complete |total |utter )?(?:failure|ghost)|nothing(?: at all)?|overwhelmed|in so much pain|at breaking point|falling apart|drowning|underwater|suffocating|homesick|scared all the time)\b",
            r"|\bcry(?:ing)? (?:every ?day|all the time|my ?self to sleep|constantly|non ?stop)\b|\bcried (?:my ?self to sleep|again|every (?:day|night)|all (?:day|night))\b|\bcant stop crying\b",
            r"|\b(?:falling apart|breaking down|at breaking point|hit rock bottom|rock bottom|end of my tether|end of my rope|hate my ?self|hating my ?self|hate everything about my ?self|hate (?:who i am|what ive become|the person i am|being me)|hate my life|hate being alive|cant breathe|spiralling|spiraling|panic attacks?|low mood|feel nothing|dont enjoy anything|cant enjoy anything|nothing (?:makes me happy|brings me joy)|everything (?:is|feels|seems) (?:really |so |just |very )?(?:too much|pointless|hopeless|grey|gray|dark|heavy|black|empty)|(?:(?:this|it|everything|life|the pain|living (?:like this|with this)|every day) (?:is|s|feels)|its) (?:just |all |getting |becoming )?too much|i (?:just )?cant cope(?:\s*[.!,\n]|\s*$| any ?more)|\bmy (?:mind|head|thoughts) (?:is|are|s|feels?) (?:so |really |very |just )?(?:dark|black|heavy|horrible)\b)",
            r"|\b(?:my )?(?:mental health|depression|anxiety|mood)(?:s| is| has| has been|s been)? (?:been )?(?:rubbish|bad|awful|terrible|shit|poor|worse|getting worse|coming back|back|through the roof|spiralling|all over the place)\b",
            r"|\b(?:im|i am|feeling|i feel|feel)\s+(?:really |so |just |honestly )?not (?:ok|okay|alright|coping|doing (?:well|ok|okay|great|good))\b",
            r"|(?:(?m:^)\s*|[.!?]\s+)(?:so |very |really )?(?:lonely|numb|worthless|exhausted)\b|\b(?:might be|think im|could be) (?:depressed|suicidal)\b|\b(?:dont|do not|cant|cannot) feel anything(?: any ?more)?\b|\b(?:just|so|completely|totally) numb\b|\bcravings? (?:are|is|have been|s been) (?:so |really )?(?:awful|bad|terrible|strong|unbearable)\b|\b(?:wearing|grinding) me down\b|\bso fed up\b|\b(?:sick|scared|anxious|on edge) all the time\b|\bisolating (?:my ?self|loads|a lot)\b|\b(?:feeling|still|so) shaky\b",
            r"|\bworried about (?:my ?self|my (?:mental health|mood))\b|\b(?:ive|i have) (?:just |really )?had enough(?:\s*[.!?,\n]|\s*$| of (?:everything|life|it all|this|living))|\b(?:flashbacks|nightmares) (?:again|every night|are back|have come back)\b|\b(?:binge|binged|bingeing|binging) (?:and|&) (?:purge|purging|purged)\b|\b(?:ed|eating disorder) voice\b|\b(?:starving|starved) my ?self\b|\brestricting (?:again|food|my food|my eating)\b|\b(?:like|am|im) (?:such )?(?:a )?(?:terrible|bad|useless|awful|rubbish|shit|crap) (?:mum|mom|dad|parent|mother|father|person|friend|wife|husband|daughter|son)\b|\b(?:dont|do not) know what im (?:for|here for|living for|even here for)\b|\bmaking my ?self (?:sick|throw up) (?:after|again|every)\b",
        ),
    )
    .trigger(r"\b(?:worthless|empty|numb|broken|desperate|trapped|hollow|miserable|useless|unbearable|lost|alone|lonely|ashamed|low|down|depressed|invisible|failure|ghost|nothing|overwhelmed|in so much pain|at breaking point|falling apart|drowning|underwater|suffocating|homesick|scared all the time|cry|cried|cant stop crying|breaking|rock bottom|end of my|hat(?:e|ing) my|hate being|cant breathe|spiral|panic attack|feel nothing|enjoy anything|makes me happy|brings me joy|everything|mental health|depression|anxiety|mood|not ok|not okay|not alright|not coping|not doing|exhausted|suicidal|crav|me down|fed up|all the time|isolat|shaky|worried about|flashbacks|nightmares|binge|binging|bingeing|binged|voice|starv|making my|had enough|restricting|terrible|bad|useless|awful|rubbish|shit|crap|what im|hate|too much|cope|my mind|my head|my thoughts|feel anything)")
    .guard(r"\b(?:phone|battery|laptop|car|printer|wifi|team|football|match|game|low on|signal|lol|haha|exam|homework|essay|shift|gym|dissertation|assignment|chores|for the day|finished|yay|woo|down (?:for|to|the|with|at|in))\b"),
    signal(
        "concern.exhausted",
        Level::Concern,
        "worn out or 'done' with everything",
        r"\b(?:im|i am|i feel|feeling)\s+(?:so,? )+(?:so )?(?:tired|exhausted|drained|done)\b|\b(?:im|i am)\s+(?:so )?done(?: with (?:everything|it all|life|living|all of it|this|people))?(?:\s*[.!?,\n]|\s*$)|\bdone with (?:life|living|everything|it all)\b|\b(?:im|i am) (?:so |proper |properly |absolutely |totally |completely )?(?:cooked|fried)\b|\b(?:exhausted|tired|drained|worn out) (?:from|of) (?:feeling like this|fighting|everything|it all|trying|being me|life|struggling)\b",
    )
    .trigger(r"\b(?:tired|exhausted|drained|done|cooked|fried|worn out)")
    .veto(r"\b(?:last exam|exams? (?:are )?(?:over|done|finished)|finished (?:my|the) (?:exams?|shift|essay|dissertation|assignment|degree|course|marathon|run)|woo+|yay|hooray)\b|!!")
    .guard(r"\b(?:phone|battery|lol|haha|exams?|homework|essay|shift|gym|run|walk|hike|dissertation|assignment|chores|for the day|finished|yay|woo|baby|newborn|twins|toddler|up all night|night shift|long day|busy|work|party|night out|festival|wedding|travel\w*|flight|jet ?lag)\b"),
];

/// A negation right before a match ("im not going to", "i would never").
pub const NEGATION: &str = r"\bno\s+$|\b(?:not|never|no longer|dont|do not|didnt|did not|wont|will not|wouldnt|would not|havent|have not|hasnt|isnt|arent|no (?:plans?|intention|thoughts?|urges?) (?:to|of)|nor|without)\b";

/// Negations that do not negate ("not sure if i want to die").
pub const NOT_NEGATING: &str = r"\bif (?:i|it|she|he|they) (?:didnt|did not|wasnt|werent|hadnt|had not|was not)\b|\b(?:harder|hard|struggl\w*|trying|try|fighting|fight|difficult|effort|impossible) (?:so hard )?(?:to )?not\b|\b(?:not sure|not certain|not safe|dont know|do not know|didnt know|not able to stop|cant stop|cannot stop|couldnt stop|not stop|wont stop|dont think i can (?:stop|keep)|not strong enough|no longer (?:able|care|want to (?:live|be here))|not scared|dont care)\b";

/// A past or recovery context in the sentence.
pub const PAST: &str = r"\b(?:(?:\d+|a|an|a few|a couple of|couple|few|two|three|four|five|six|seven|eight|nine|ten|many|several|some) (?:years?|yrs?|months?|weeks?) ago|years ago|used to|use to|when i was (?:younger|little|a teen|a teenager|a kid|a child|at school|in school|at uni|at college|in my teens|\d+)|as a (?:teen|teenager|kid|child)|back then|in the past|at the time|i survived|survivor|(?:clean|free) (?:for|since|of)|\d+ (?:days?|weeks?|months?|years?) (?:clean|free|sober|without)|self[- ]?harm[- ]free|in recovery|recovered|recovering from|history of|(?:once|previously) (?:tried|attempted)|last year|in (?:19|20)\d\d|(?:from|back in|during) (?:19|20)\d\d|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|many|several|a few|a couple of) (?:years?|months?) since|before i (?:got help|found|started)|looking back|those days|that time in my life)\b";

/// A post that says the member is well now: "now four months clear
/// again", "im not there any more". Its risky words are its history.
pub const RECOVERY: &str = r"\b(?:now|currently) (?:\w+ ){0,2}?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several|a couple of) (?:days?|weeks?|months?|years?) (?:clean|clear|free|sober|self[- ]?harm[- ]free)\b|\b(?:clean|clear|free) again\b|\b(?:im|i am) not (?:in that place|there) any ?more\b";

/// Words that override a past context: it is happening again.
pub const RECURRENCE: &str = r"\b(?:after (?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|several) (?:days?|weeks?|months?|years?) (?:clean|free|sober|without)|(?:for )?the first time (?:in|since)|again|creeping back|coming back|come back|came back|back again|(?:are|is|s|re) back|back now|have returned|relaps\w*|returned|returning|starting to feel|that way again|lately|recently|these days|at the moment|right now|tonight|this week)\b";

/// "Right now": makes an ambiguous phrase ("end it") count on its own.
pub const NOW_CONTEXT: &str = NOW;
