"""How questions are worded: text folding and the word lists and patterns `understand` reads.

Everything here is general English and general clinical wording (how people ask about a dose,
what an emergency sounds like, which words are chatter), never a rule for one question. The
patterns run over `Question.normalized`: lowercase, British spellings folded, abbreviations
expanded.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# -- text -------------------------------------------------------------------------------------

# British spellings folded to the American ones MeSH uses, on both sides of every lookup.
_SPELLINGS = [
    (re.compile(r"(?<=[a-z])aem"), "em"),  # anaemia, haematoma, ischaemia, leukaemia
    (re.compile(r"\boe(?=[dsn])"), "e"),  # oedema, oesophagus, oestrogen
    (re.compile(r"paed"), "ped"),
    (re.compile(r"gynaec"), "gynec"),
    (re.compile(r"anaesth"), "anesth"),
    (re.compile(r"rrhoea"), "rrhea"),  # diarrhoea, amenorrhoea
    (re.compile(r"tumour"), "tumor"),
    (re.compile(r"\bfoet"), "fet"),
    (re.compile(r"\bhot flush"), "hot flash"),  # hot flushes: MeSH's "hot flashes"
]
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Lowercase, accents and curly quotes removed, British spellings made American."""
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.lower()
    if "ae" in text or "oe" in text or "tumour" in text or "flush" in text:  # every spelling above has one of these
        for pattern, replacement in _SPELLINGS:
            text = pattern.sub(replacement, text)
    return text


class Token(NamedTuple):
    word: str  # as looked up: possessive 's and apostrophes removed
    start: int
    end: int


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(folded: str) -> list[Token]:
    """Words of an already folded text with their offsets; hyphens and slashes split words."""
    out = []
    for m in _WORD.finditer(folded):
        word = m.group()
        if "'" in word:
            word = word[:-2] if word.endswith("'s") else word.replace("'", "")
        out.append(Token(word, m.start(), m.end()))
    return out


_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def word_set(folded: str) -> frozenset[str]:
    """The words of a folded text, a plural 's' dropped so "ulcers" and "ulcer" agree."""
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in _PLAIN_WORD.findall(folded))


def lookup_key(text: str) -> str:
    """The form a term is looked up by: "Alzheimer's Disease" and "alzheimer disease" agree."""
    return " ".join(t.word for t in tokens(fold(text)))


_SENTENCE = re.compile(r"[^.?!\n]+[.?!]*")
# A sentence that asks, as opposed to one that tells the story around the question.
_ASKING = re.compile(
    r"\?|^\W*(?:what|whats|how|why|when|where|which|who|is|are|am|can|could|do|does|did|should|would|will"
    r"|may|might|must|has|have|any|if)\b|\b(?:i (?:want|would like|need|wanted|like) to (?:know|learn|find|ask)"
    r"|wondering|i wonder|please (?:tell|advise|let|inform|explain|help|send|provide|suggest)|tell me|let me know"
    r"|need (?:to know|information|info|help|advice)|looking for|information (?:on|about|regarding)"
    r"|learn (?:more )?about)\b"
)


def sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, asks) for each sentence of `text`."""
    return [
        (m.start(), m.end(), bool(_ASKING.search(m.group()))) for m in _SENTENCE.finditer(text) if m.group().strip()
    ]


def is_shouting(text: str) -> bool:
    """Written mostly in capitals, where ALL or ODD are words, not abbreviations."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


# -- word lists -------------------------------------------------------------------------------

STOPWORDS = frozenset(
    """
a about above after again against all almost along already also although always am among an and another any
anybody anyone anything anyway anywhere are aren arent around as at away be became because become been before
being below besides between both but by can cannot cant could couldnt did didnt do does doesnt doing done dont
down during each either else enough etc even ever every everyone everything few for from further get gets getting
got gotten had hadnt has hasnt have havent having he hed hes her here hers herself him himself his how however i
id if ill im in instead into is isnt it its itself ive just keep kind least less let lets like likely lot lots
made make makes many may maybe me might mine more most much must my myself near need needs neither never no nor
not nothing now of off often ok okay on once one only onto or other others otherwise our ours ourselves out over
own per perhaps please quite rather re really said same say says see seem seems shall she shes should shouldnt
since so some somebody someone something sometimes somewhat still such sure than that thats the their theirs them
themselves then there theres these they theyre thing things this those though through thus till to too toward
towards under until up upon us use used uses using very via was wasnt way we well were werent what whatever whats
when whenever where whether which while who whoever whole whom whose why will with within without wont would
wouldnt yes yet you youd youll your youre yours yourself yourselves ve ll
regarding concerning hi hello hey dear sir sirs madam doctor doctors dr thanks thank thx ty regards sincerely greetings kindly pls plz
help question questions wondering wonder know knew known want wanted wants wanting tell told telling advise advice
information info anyone someone somebody anybody concern concerned worried worry curious appreciate appreciated
reply answer answers respond email site website page article read reading search find found looking look try
tried trying think thought feel felt guess mean means sort stuff ask asking asked day days week weeks month months
year years time times today yesterday recently currently lately ago old new good bad great best better right wrong
um uh hmm ah oh wow lol
""".split()
)

# Everyday words that are also abbreviations in the team list: read as abbreviations only when
# written exactly as the list writes them (ALL, ED, MS), and never in text written in capitals.
EVERYDAY_WORDS = frozenset(
    "add aids all ace art as cad cap cat dr ed hr im it ms odd od pad pep pet pr sad sob tens us".split()
)

# Single words that are vocabulary terms but far more often plain English in a question.
AMBIGUOUS_TERMS = frozenset(
    "lead tin gold silver water air light face hand hands arm arms back time family friends hope role help "
    "cold hot heat dust soil milk sugar salt wine beer coffee tea fruit meals food diet exercise walking running "
    "sleep play name names ions weight height stress syndrome disease diseases infection death".split()
)
# Words that name no condition of their own: "syndrome" in "Noonan syndrome", "disease" in "Lyme disease".
GENERIC_CONDITION_WORDS = frozenset(
    "disease diseases disorder disorders syndrome syndromes infection infections illness illnesses condition "
    "conditions problem problems issue issues complication complications".split()
)
# Nouns that never belong in a condition phrase: people, the medical setting, filler.
NOT_IN_PHRASE = frozenset(
    """
patient patients person people persons man men woman women child children kid kids baby babies infant infants son
sons daughter daughters husband wife mother father mom dad mum parent parents brother sister grandson granddaughter
grandmother grandfather family friend uncle aunt cousin boy girl adult adults elderly male female
medicine medicines medication medications drug drugs pill pills tablet tablets dose doses dosage prescription
treatment treatments therapy therapies cure management option options side effect effects risk risks cause causes
symptom symptoms sign signs diagnosis prognosis test tests prevention
hospital clinic doctor physician nurse specialist surgeon pharmacist pharmacy insurance
type stage grade class phase level case cases history
refractory resistant intractable severe mild moderate bad terrible horrible awful constant frequent occasional
possible suspected current recent
ease easing relieve relieving treat treating prevent preventing catch catching cure curing manage managing control
controlling diagnose diagnosing detect detecting avoid avoiding develop developing get getting suffer suffering
experience experiencing having diagnosed cause caused causing affect affected reduce reducing stop stopping
""".split()
)

# Words that head a condition phrase ("chronic kidney disease", "leg cramps").
CONDITION_HEADS = frozenset(
    """
disease diseases disorder disorders syndrome syndromes infection infections cancer cancers tumor tumors failure
deficiency injury injuries fracture fractures attack stroke ulcer ulcers palsy dystrophy fibrillation embolism
thrombosis infarction hypertension hypotension diabetes asthma pneumonia allergy allergies depression anxiety
insomnia reflux pain pains ache aches cramps cramping rash fever cough bleeding hemorrhage hernia apnea paralysis
dementia obesity gout migraine migraines headache headaches seizure seizures epilepsy acne eczema psoriasis herpes
shingles measles mumps influenza flu abscess cyst cysts nodule nodules polyp polyps stones wart warts lupus malaria
vertigo tinnitus incontinence constipation diarrhea nausea vomiting swelling itching itch inflammation lesion
lesions blockage aneurysm arrhythmia murmur defect defects anomaly abnormality abnormalities illness sickness
virus poisoning overdose addiction dependence intolerance prolapse spasm spasms sprain strain tear burns burn
trisomy deletion mutation
""".split()
)
CONDITION_SUFFIXES = (
    "itis",
    "osis",
    "emia",
    "pathy",
    "algia",
    "oma",
    "plegia",
    "trophy",
    "penia",
    "megaly",
    "rrhea",
    "rrhage",
    "uria",
    "ectasis",
    "sclerosis",
    "stenosis",
    "plasia",
    "ocele",
)
# Words for a condition's course or severity: a source about the condition need not repeat them.
COURSE_WORDS = frozenset(
    "acute subacute chronic severe mild moderate recurrent persistent refractory intractable "
    "uncomplicated complicated advanced early".split()
)
NOT_CONDITIONS = frozenset("diagnosis prognosis osmosis empathy sympathy nostalgia aroma diploma stoma".split())


def looks_like_condition(word: str) -> bool:
    """A word that names or heads a condition: "asthma", "neuropathy", "disease"."""
    if word in NOT_CONDITIONS:
        return False
    return word in CONDITION_HEADS or (len(word) >= 6 and word.endswith(CONDITION_SUFFIXES))


# Name endings of drug families (USAN stems), for drug names the vocabulary does not hold.
DRUG_SUFFIXES = (
    "mab",
    "pril",
    "sartan",
    "olol",
    "alol",
    "dipine",
    "statin",
    "azole",
    "tidine",
    "cillin",
    "mycin",
    "micin",
    "floxacin",
    "oxacin",
    "cycline",
    "vir",
    "tinib",
    "ciclib",
    "parin",
    "xaban",
    "gatran",
    "gliptin",
    "gliflozin",
    "glutide",
    "glinide",
    "triptan",
    "setron",
    "oxetine",
    "azepam",
    "zolam",
    "barbital",
    "caine",
    "profen",
    "fenac",
    "coxib",
    "olone",
    "isone",
    "asone",
    "thiazide",
    "semide",
    "etanide",
    "dronate",
    "lukast",
    "uterol",
    "meterol",
    "moterol",
    "tropium",
    "afil",
    "azosin",
    "ulosin",
    "apine",
    "azepine",
    "idone",
    "codone",
    "morphone",
    "grel",
    "pramine",
    "tyline",
    "alopram",
    "traline",
    "faxine",
    "zodone",
    "farin",
    "formin",
    "pentin",
    "gabalin",
    "adol",
)
# Head words that make an expansion a drug or drug class ("proton pump inhibitor").
DRUG_CLASS_HEADS = frozenset(
    """
inhibitor inhibitors blocker blockers agonist agonists antagonist antagonists antidepressant antidepressants
anticoagulant anticoagulants antibiotic antibiotics antipsychotic antipsychotics anticonvulsant anticonvulsants
antihistamine antihistamines diuretic diuretics statin statins heparin insulin steroid steroids corticosteroid
corticosteroids contraceptive contraceptives drug drugs agent agents medication medications vaccine vaccines pill
pills benzodiazepine benzodiazepines opioid opioids analgesic analgesics antiviral antivirals antifungal antifungals
thiazolidinedione immunoglobulin aspirin acetaminophen paracetamol
""".split()
)
# Things people take with their medicines, which count as interactants.
SUBSTANCES = frozenset(
    "alcohol wine beer liquor grapefruit caffeine coffee supplements supplement herbal vitamins".split()
)

# Plain medical words: a question with none of these and no vocabulary term is not clinical.
MEDICAL_WORDS = frozenset(
    """
symptom symptoms disease diseases illness sick sickness pain ache aches doctor physician nurse hospital clinic
medicine medicines medication medications drug drugs pill pills tablet tablets capsule dose dosage prescription
prescribed pharmacy pharmacist surgery surgeon operation vaccine vaccination vaccinated shot infection infected
virus viral bacteria bacterial cancer tumor blood heart lung lungs liver kidney kidneys brain skin bone bones
muscle muscles joint joints stomach bowel bowels bladder urine stool pregnant pregnancy health healthy medical
therapy fever cough rash headache nausea vomiting diarrhea constipation allergy allergic injury wound fracture
swelling swollen itch itching itchy bleeding diagnosis diagnosed chronic syndrome disorder mental depression anxiety
insomnia ear ears eye eyes teeth tooth dental gums throat nose chest breathing breath cholesterol diabetes
diabetic asthma arthritis sugar glucose insulin hormone hormones thyroid period menstrual sperm fertility std
contagious treatment treatments treat treated cure side effects overdose poisoning pediatrician urologist
dermatologist cardiologist neurologist psychiatrist therapist nursing breastfeeding vitamin vitamins supplement
antibiotic antibiotics painkiller scan xray biopsy lab labs blood test tests screening dizziness dizzy fatigue tired
burning sensation swab discharge congestion congested spray cream ointment topical drops inhaler nerve nerves
wheezing wheeze drip exam culture transmission asymptomatic suppository suppositories probiotic probiotics brace
splint counter otc vaginal vagina penis urinary urination sore sores lump lumps bump bumps mole moles wart cyst
sinus sinuses stitches scar bruise bruising cramps cramp numbness tingling spasm sprain pus infected contagious
hormonal menopause ovulation contraception condom vaccine flu cold virus germs immune immunity pediatric
gynecologist obstetrician pharmacist physiotherapy chiropractor dentist optometrist ophthalmologist labwork
med meds antiviral antivirals antihistamine antihistamines antidepressant antidepressants narcotic narcotics
itchiness discomfort tiredness phlegm mucus snot drooling hoarse periods urinate blisters blister covid strep
addictive addiction withdrawal nausea nauseous vomit diarrhea constipated bloating heartburn indigestion acid
""".split()
)
# Asked of a clinical answer engine, "take", "try" or "stop" something is about a medicine.
TAKING_MEDICINE = re.compile(
    r"\b(?:take|taking|took|taken|try|trying|stop|stopping|prescribed|prescription|dosage)\b"
    r"|\b\d+(?:\.\d+)? ?(?:mg|mcg|ml|iu)\b"
)
# A capitalised word after "take", "taking", "on" ... is most likely a medicine's brand name.
BRAND_AFTER_VERB = re.compile(
    r"\b(?:take|taking|took|taken|use|using|used|on|try|trying|prescribed|started)\s+"
    r"(?:the |my |some |a |an )?([A-Z][a-z]{3,})"
)

# -- patterns ---------------------------------------------------------------------------------

# Intents `understand` can assign, each with the kind of article it calls for.
INTENTS = (
    "treatment",  # what to do about a condition: drugs, procedures, lifestyle; what a drug is for
    "dosing",  # how much, how often, how to take, when and how to stop or taper
    "adverse_effects",  # side effects and harms of a treatment
    "interactions",  # taking two things together
    "contraindications",  # whether it is safe for this person (pregnancy, allergy, a disease)
    "monitoring",  # follow-up, tests and targets while treated
    "diagnosis",  # how a condition is recognised or tested for
    "symptoms",  # what a condition looks and feels like
    "prognosis",  # course, outcome, complications, recurrence
    "prevention",  # avoiding a condition: vaccines, prophylaxis, risk reduction
    "cause",  # causes, risk factors, transmission, inheritance
    "definition",  # what something is: an overview
    "other",  # storage, ingredients, costs, finding a doctor, comparisons, or nothing clinical
)

# (intent, weight, pattern). A pattern counts once, in full in a sentence that asks, half in one
# that only tells the story.
_CUES: list[tuple[str, float, str]] = [
    (
        "treatment",
        3,
        r"\b(?:treat(?:ment|ments|ing|ed|s)?|therap(?:y|ies|eutic)|cur(?:e|es|ed|ing)|remed(?:y|ies)|manag(?:e|ed|ing|ement))\b",
    ),
    ("treatment", 3, r"\b(?:first|second|third)[- ]line\b|\bdrugs? of choice\b"),
    (
        "treatment",
        2,
        r"\b(?:medications?|medicines?|drugs?|pills?|antibiotics?|something)\s+(?:for|to (?:treat|help|control|relieve|ease|stop))\b",
    ),
    (
        "treatment",
        2,
        r"\bwhat (?:can|should|do|could) (?:i|we|you|he|she|they|one) (?:take|do|use|give|try)\b|\bwhat to (?:give|take|do|use)\b",
    ),
    # A clinician's "what do I start / prescribe / advise?" after a case asks how to manage it.
    (
        "treatment",
        3,
        r"\bwhat (?:do|should|can) (?:i|we) (?:start|prescribe|advise|offer|add|change|give)\b|\bnext step\b",
    ),
    (
        "treatment",
        2,
        r"\b(?:get rid of|relieve|relief|ease|alleviate|help(?:s|ed)? (?:with|for)|good for|used (?:for|to treat|in))\b",
    ),
    (
        "treatment",
        2,
        r"\b(?:does|do|will|would|can|could|is|are)\b[^.?!]{0,40}\b(?:work|works|help|helpful|effective|benefit)\b",
    ),
    (
        "treatment",
        2,
        r"\b(?:efficacy|best (?:way|option|drug|medication|medicine|choice)|options?|alternatives?|indications?)\b",
    ),
    (
        "treatment",
        2,
        r"\b(?:which|what) (?:\w+ )?(?:medicines?|medications?|drugs?|treatments?|pills?)\b|\b(?:medicines?|medications?|drugs?|treatments?) (?:suitable|appropriate|recommended)\b",
    ),
    (
        "treatment",
        4,
        r"\bwhy (?:is|was|are) (?:it|this|they|\w+) prescribed\b|\bprescribed for\b|\bwho should (?:get|take|use|receive)\b",
    ),
    ("treatment", 3, r"\bhow effective\b|\beffective(?:ness)? (?:for|in|against|at)\b"),
    ("treatment", 1, r"\b(?:surgery|surgical|operation|physical therapy|rehabilitation|massage|exercises?)\b"),
    ("dosing", 3, r"\b(?:dose|doses|dosed|dosage|dosages|dosing|titrat\w*|taper\w*|wean\w*)\b"),
    (
        "dosing",
        3,
        r"\bhow (?:much|many)\b[^.?!]{0,30}\b(?:milligrams?|mg|micrograms?|units?|ml|tablets?|pills?|capsules?|should|can i|to take|a day|per day|daily)\b",
    ),
    (
        "dosing",
        3,
        r"\b(?:how|when) (?:should|do|can|to|must|would) (?:i |you |we |one |he |she |they )?(?:take|use|inject|apply|give|administer)\b",
    ),
    ("dosing", 2, r"\bhow (?:often|long|frequently|soon)\b[^.?!]{0,30}\b(?:take|use|inject|apply|give|taking|using)\b"),
    (
        "dosing",
        2.5,
        r"\b(?:stop|stopping|quit|quitting|discontinu\w*|come off|coming off|get off|go off)\s+(?:taking|using|on|the|my|this|it|of)\b",
    ),
    (
        "dosing",
        2,
        r"\b(?:twice|once|three times|four times) (?:a|per|daily|every)\b|\bevery \d+ hours\b|\b(?:once|twice) daily\b|\bas needed\b",
    ),
    ("dosing", 2, r"\b(?:missed|skip(?:ped)?|forgot(?:ten)?|double) (?:a |my |the )?(?:dose|pill|tablet)\b"),
    (
        "dosing",
        2,
        r"\b(?:time of day|in the (?:morning|evening)|at (?:night|bedtime)|before (?:bed|meals)|with food|empty stomach)\b",
    ),
    (
        "dosing",
        2,
        r"\b(?:be )?taken (?:in the|at|with|before|after|on an)\b|\b(?:supposed|meant) to (?:take|use)\b|\b(?:usage|directions for use|how to use)\b",
    ),
    ("dosing", 0.5, r"\b\d+(?:\.\d+)?\s?(?:mg|mcg|milligrams?|micrograms?|ml|units|iu)\b"),
    (
        "adverse_effects",
        3.5,
        r"\bside[- ]?effects?\b|\badverse (?:effects?|reactions?|events?|drug)\b|\btoxicit\w*|\bsafety\b",
    ),
    ("adverse_effects", 1.5, r"\b(?:harmful|harm|dangerous|reactions?|long[- ]term use)\b"),
    (
        "adverse_effects",
        2,
        r"\b(?:since|after) (?:i )?(?:start(?:ed|ing)?|began|taking|been on)\b|\b(?:started|starting|began|begun) (?:taking|on|using)\b|\bimplicated in\b",
    ),
    ("interactions", 4, r"\binteract\w*"),
    ("interactions", 2.5, r"\b(?:together|at the same time|combin\w*|mix\w*|along with|in addition to)\b"),
    ("interactions", 3, r"\b(?:reactions?|interactions?|problems?|conflicts?) between\b"),
    (
        "contraindications",
        4,
        r"\bcontraindicat\w*|\bspecial precautions?\b|\bsafety concerns?\b|\bwarnings?\b(?!\s+signs?)",
    ),
    ("contraindications", 1.5, r"\b(?:safe|ok|okay|alright|allowed|advisable)\b"),
    (
        "contraindications",
        2,
        r"\ballerg\w* to\b|\b(?:should not|shouldnt|must not|cannot|cant) (?:be )?(?:take|taken|use|used|give|given)\b|\beven though\b",
    ),
    ("monitoring", 4, r"\bmonitor\w*|\bfollow[- ]?up\b|\bsurveillance\b"),
    (
        "monitoring",
        3,
        r"\bhow often\b[^.?!]{0,60}\b(?:check\w*|test\w*|measur\w*|screen\w*|blood work|labs?|levels?|scan\w*|seen|visits?)\b",
    ),
    (
        "monitoring",
        2,
        r"\bevery \d+ (?:weeks?|months?|years?)\b|\bperiodic\w*|\bregular (?:check\w*|tests?|blood)|\btargets?\b|\bgoals? (?:for|of)\b",
    ),
    (
        "diagnosis",
        3.5,
        r"\bdiagnos(?:e|es|is|ing|tic|tics)\b|\bdiagnosed\b(?!\s+(?:with|as|in|at|by|\d))|\bwork[- ]?up\b|\bdifferential\b|\bcriteria\b",
    ),
    (
        "diagnosis",
        2,
        r"\b(?:test(?:s|ing|ed)?|exam(?:s|ination)?|screen(?:ing)?|detect\w*|rule out|check (?:for|if))\b|\b(?:find out|tell|know) (?:if|whether) (?:i|he|she|you|they|my \w+) (?:have|has|had)\b",
    ),
    (
        "diagnosis",
        1.5,
        r"\b(?:x-?ray|computed tomography|cat scan|magnetic resonance imaging|ultrasound|biopsy|scan|blood test|endoscopy|colonoscopy|electrocardiogram|upper gi|gastrointestinal|imaging|genetic testing)\b",
    ),
    ("diagnosis", 1, r"\b(?:do i have|does (?:he|she) have|could (?:it|this|i) be|is it)\b"),
    ("symptoms", 3, r"\bsymptoms?\b|\bsigns\b|\bwarning signs?\b"),
    (
        "symptoms",
        2,
        r"\bwhat (?:does|do) \w+(?: \w+){0,3} (?:feel|look) like\b|\bpresent(?:s|ation)\b|\bmanifest\w*|\bassociated with\b",
    ),
    ("prognosis", 4, r"\bprognos\w*|\boutlook\b|\blife expectancy\b|\bsurvival\b|\bmortality\b|\bsuccess rate\b"),
    ("prognosis", 3, r"\b(?:fatal|deadly|terminal|die|dying|death|live with|curable|complications?)\b"),
    (
        "prognosis",
        2,
        r"\b(?:progress\w*|gets? worse|worsen\w*|go(?:es)? away|resolve|recover\w*|permanent|reversible|long[- ]term effects?|chances?|recur\w*|come back|relapse\w*|is (?:this|that|it) normal|how long (?:does|will|do|until|is))\b",
    ),
    (
        "prevention",
        4,
        r"\bprevent\w*|\bprophyla\w*|\bavoid (?:getting|catching|spreading|developing|passing)\b|\breduce (?:the |my |your )?(?:risk|chance)s?\b|\bprecaution\w*",
    ),
    ("prevention", 2.5, r"\bvaccin\w*|\bimmuni[sz]\w*|\bshots?\b|\bbooster\b"),
    (
        "cause",
        3.5,
        r"\bcaus\w*|\betiolog\w*|\bwhy (?:do|does|did|is|are|am|would|could|can|have|has|some)\b|\breasons? (?:for|why|of)\b|\brisk factors?\b|\bwhat (?:triggers|brings on|leads to)\b",
    ),
    (
        "cause",
        3,
        r"\b(?:contagious|transmit\w*|transmission|spread\w*|catch(?:es|ing)?\b(?! (?:my|his|her|your) breath)|passed (?:down|on)|inherit\w*|hereditary|genetic(?:ally)?|run in (?:the )?famil\w*)",
    ),
    (
        "cause",
        3,
        r"\bwho is at risk\b|\bat risk (?:for|of)\b|\b(?:am i|is (?:he|she)|are (?:we|they)) (?:at )?risk\b|\brisk of (?:getting|developing|catching)\b|\bmore likely\b|\blikely to (?:get|develop|pass)\b",
    ),
    (
        "cause",
        2,
        r"\b(?:related to|due to|because of|linked to|contribut\w*|leads? to|result(?:s|ed)? (?:in|from)|trigger\w*|affect\w*|effects? (?:of|on))\b",
    ),
    (
        "definition",
        2,
        r"(?:^|(?<=[.?!\n]))\W*(?:what|whats)\s+(?:is|are|exactly is)?\b|\bwhat (?:is|are) (?:a |an )?\w+\s*\?",
    ),
    (
        "definition",
        3,
        r"\bdefin\w*|\bmeaning of\b|\bwhat (?:does|do) \w+(?: \w+)? mean\b|\bhow does \w+(?: \w+)? work\b|\bmechanism\b|\bwhat (?:does|do) (?:it|this|they) do\b",
    ),
    (
        "definition",
        2,
        r"\b(?:tell me|information|info|learn|know|read|overview)\b(?: \w+)? (?:about|on|regarding)\b|\bexplain\b",
    ),
    (
        "definition",
        2,
        r"\bis (?:it|this|that|\w+) (?:a|an) (?:\w+ ){0,2}(?:disease|disorder|condition|steroid|drug|infection|cancer|virus|antibiotic)\b",
    ),
    ("other", 4.5, r"\b(?:expir\w*|shelf life|stor(?:e|ed|age|ing)|refrigerat\w*|dispos\w*|throw (?:away|out))\b"),
    (
        "other",
        2.5,
        r"\b(?:gluten|lactose|ingredients?|contains?|components?|made of|dyes?|gelatin|halal|kosher|vegan)\b|\bhow much \w+(?: \w+)? (?:is|are) (?:there )?in\b",
    ),
    (
        "other",
        4,
        r"\b(?:find|recommend|looking for|locate|see) (?:a |an )?(?:good )?(?:doctor|specialist|physician|surgeon|clinic|hospital|support group|lab\w*|\w+ologist|\w+iatrist)s?\b|\bwhat (?:kind of |type of )?(?:doctor|specialist)\b|\bspecializ\w*|\bsupport groups?\b|\bwhere to find support\b",
    ),
    ("other", 1.5, r"\b(?:insurance|medicare|medicaid|cost|price|coverage|imprint)\b"),
    ("other", 2.5, r"\b(?:difference between|compared? (?:to|with)|versus|same as|similar to|is \w+ like)\b"),
]
INTENT_CUES = [(intent, weight, re.compile(pattern)) for intent, weight, pattern in _CUES]

# Populations and circumstances that change an answer.
MODIFIER_PATTERNS = {
    "refractory": r"\brefractory\b|\b(?:treatment|therapy|drug)[- ]resistant\b|\bresistant to (?:treatment|therapy)\b|\bintractable\b|\b(?:failed|not responding|unresponsive|no response|did not respond|didnt respond|inadequate response|not (?:working|helping)|(?:didnt|did not|doesnt|does not|dont|do not) (?:work|help)|no (?:relief|improvement)|little (?:if any|or no) (?:effect|relief))\b|\b(?:if|when|after) (?:it|that|this|these|those|they|treatment|therapy|first[- ]line(?: treatments?| therap(?:y|ies)| drugs?| medications?| agents?| options?)?) (?:fails?|failed|is not enough|isnt enough|are not enough|do not work|dont work|does not work|doesnt work)\b",
    "children": r"\b(?:child|children|childhood|kids?|pediatric|infants?|toddlers?|babies|baby|newborns?|neonat\w*|preschool\w*)\b",
    "adolescents": r"\b(?:adolescen\w*|teens?|teenagers?|puberty)\b",
    "pregnancy": r"\bpregnan\w*|\bexpecting (?:a )?(?:baby|child)\b|\btrimester\b|\bgestation\w*|\bantenatal\b|\bprenatal\b|\btrying to (?:conceive|get pregnant)\b",
    "breastfeeding": r"\bbreast[- ]?fe(?:e)?d\w*|\blactat\w*|\bwhile nursing\b|\bnursing (?:mother|mom|baby|infant)\b|\bbreast milk\b",
    "older_adults": r"\b(?:elderly|older (?:adults?|people|persons?|patients?|women|men)|geriatric\w*|seniors?|nursing home)\b|\bover (?:the age of )?(?:6[5-9]|[7-9]\d)\b",
    "renal_impairment": r"\b(?:renal|kidney) (?:impairment|insufficiency|failure|disease|dysfunction|problems?|damage)\b|\bdialysis\b|\bcreatinine clearance\b|\bend-stage (?:renal|kidney)\b|\bnephropathy\b",
    "hepatic_impairment": r"\b(?:hepatic|liver) (?:impairment|insufficiency|failure|disease|dysfunction|problems?|damage)\b|\bcirrhosis\b",
    "allergy": r"\ballerg\w* to\b|\b(?:penicillin|sulfa|drug|medication) allerg\w*",
    "first_line": r"\bfirst[- ]line\b|\binitial (?:treatment|therapy)\b|\bdrugs? of choice\b",
    "non_pharmacological": r"\bnon[- ]?(?:pharmacologic\w*|drug|medication|surgical|invasive|toxic)\b|\bwithout (?:medication|medicine|drugs|surgery|pills)\b|\bnatural(?:ly)?\b|\bhome remed\w*|\blifestyle\b|\bdiet(?:ary)?\b|\bexercis\w*|\balternative (?:medicine|treatments?|therap\w*)\b|\bherbal\b|\bphysical therapy\b|\bmassage\b",
}
MODIFIERS = {name: re.compile(pattern) for name, pattern in MODIFIER_PATTERNS.items()}
# An age stated in years ("32 years old", "age 65") or in months/weeks/days (a baby).
AGE_YEARS = re.compile(r"\b(\d{1,3}) ?-?(?:years?|yrs?)[ -]?(?:old|of age)\b|\b(?:age|aged) (\d{1,3})\b")
AGE_INFANT = re.compile(r"\b\d{1,2} ?-?(?:months?|weeks?|days?)[ -]old\b")

# Emergencies: (reason, pattern, needs). needs: "" = the pattern says enough; "person" = someone
# real is involved (I, my son, he); "now" = a person and something happening now.
_PERSON = re.compile(r"\b(?:i|im|ive|me|my|we|he|she|hes|shes|they)\b")
_NOW = re.compile(
    r"\b(?:now|right now|currently|at the moment|just|suddenly|sudden|started|starting|ago|tonight|today|this (?:morning|afternoon|evening)|for the (?:last|past) (?:few |\d+ )?(?:minutes?|hours?))\b"
)
_EMERGENCIES = [
    ("chest pain happening now (possible heart attack)", r"\bchest (?:pain|pressure|tightness)\b", "now"),
    (
        "possible overdose",
        r"\b(?:overdosed|od'?d)\b|\b(?:took|taken|swallowed|ate|ingested)\b(?: \w+){0,3}? (?:[1-9]\d+|a (?:whole|full) bottle|an entire bottle|the whole bottle|too many|a handful)\b(?: \w+){0,3}? ?(?:pills?|tablets?|capsules?|caps|doses)\b",
        "person",
    ),
    (
        "possible poisoning",
        r"\b(?:swallowed|drank|ate|ingested)\b(?: \w+){0,4}? (?:bleach|poison\w*|button batter(?:y|ies)|batter(?:y|ies)|antifreeze|drain cleaner|detergent pods?|laundry pods?|pesticides?|insecticides?|lighter fluid|gasoline|kerosene)\b",
        "person",
    ),
    (
        "suicidal intent",
        r"\b(?:kill|hurt|harm|cut)(?:ing)? my ?self\b|\b(?:want|wanna|going|plan(?:ning)?) to (?:die|end (?:my life|it all))\b|\bi(?:m| am)? (?:feeling )?suicidal\b|\bdont want to (?:live|be alive|wake up)\b|\b(?:wants|threaten\w*|tried|trying|going) to (?:kill|hurt) (?:him|her|them)sel(?:f|ves)\b",
        "",
    ),
    (
        "suicidal thoughts",
        r"\bsuicidal (?:thoughts|feelings)\b|\bthinking (?:about|of) (?:suicide|killing myself)\b",
        "person",
    ),
    (
        "possible stroke",
        r"\b(?:face|smile|mouth) (?:is |are |has |started |looks )?(?:droop\w*|uneven|lopsided)\b|\bslurr\w*(?: \w+)? (?:speech|words)\b|\bspeech (?:is |became |got )?slurred\b|\bsudden(?:ly)?(?: \w+){0,3} (?:numb\w*|weak\w*|paralys\w*|cant (?:move|speak|talk|see))\b",
        "now",
    ),
    (
        "possible anaphylaxis",
        r"\b(?:throat|tongue|lips?) (?:is |are |feels? |started |starting )?(?:swell\w*|swollen|closing|tight\w*)\b|\banaphyla\w*",
        "now",
    ),
    (
        "cannot breathe",
        r"\b(?:cant|cannot|can not|unable to|struggling to) breathe\b|\b(?:isnt|is not|not|stopped) breathing\b|\bturning blue\b",
        "person",
    ),
    (
        "unresponsive",
        r"\b(?:unconscious|unresponsive|wont wake up|not waking up|cant wake (?:him|her|them))\b",
        "person",
    ),
    (
        "seizure that will not stop",
        r"\bseizures? (?:that )?(?:wont|will not|doesnt|does not) stop\b|\b(?:having|has been having) (?:a )?seizures?(?: \w+){0,3}? (?:now|right now|for \d+ minutes)\b",
        "person",
    ),
    (
        "serious bleeding",
        r"\b(?:vomit\w*|throw\w* up|cough\w* up)(?: up)? (?:(?:something like|what looks like) )?(?:blood|coffee[- ]grounds?)\b|\bbleeding (?:that )?(?:wont|will not|doesnt|does not) stop\b",
        "person",
    ),
]
EMERGENCIES = [(reason, re.compile(pattern), needs) for reason, pattern, needs in _EMERGENCIES]


def emergency_reason(text: str) -> str:
    """Why a question describes an emergency, or '' when it does not; `text` is folded."""
    flat = text.replace("'", "")
    for reason, pattern, needs in EMERGENCIES:
        for start, end, _ in sentences(flat):
            sentence = flat[start:end]
            if not pattern.search(sentence):
                continue
            if needs and not _PERSON.search(flat):
                continue
            if needs == "now" and not _NOW.search(sentence):
                continue
            return reason
    return ""


# -- follow-ups -------------------------------------------------------------------------------
# How a question in a thread leans on the one before it. Each list is English wording, never
# the wording of one question; `understand._resolve` decides what is carried.

# Openers that carry no intent of their own ("and what about", "what if", "so"): the intent of a
# thread question is read from the words after them ("what about asthma?" asks nothing new).
FOLLOW_UP_LEAD = re.compile(
    r"^\W*(?:(?:and|but|so|also|then|ok|okay|plus|or)\b[\s,]*)*"
    r"(?:(?:what|how) (?:about|abt|bout)\b|what (?:happens |would happen )?if\b"
    r"|(?:the )?same (?:question |thing |answer )?(?=for|in|with|but|if))?[\s,]*"
)
# Elliptical questions that open with the circumstance ("in pregnancy?", "for the elderly?").
FOLLOW_UP_ELLIPSIS = re.compile(
    r"^\W*(?:in|for|during|with|while|when|if|on|without|after|before|among|at|instead|again)\b"
)
# Endings that mark a question as said of the earlier subject ("... too?", "... instead?").
FOLLOW_UP_TAIL = re.compile(r"\b(?:too|as well|also|then|instead|in that case|in this case|either)\W*$")
# Wording that adds to what was said before rather than replacing it: "what if they are also on
# warfarin" keeps the earlier drug and population.
FOLLOW_UP_ADDS = re.compile(
    r"\bwhat (?:happens |would happen )?if\b|\balso\b|\btoo\b|\bas well\b|\bin addition\b|\badditionally\b"
    r"|\bplus\b|\bbesides\b"
    r"|\b(?:already|still) (?:on|taking|using)\b"
)
# Wording that replaces the earlier drug: "what about naproxen instead?".
FOLLOW_UP_REPLACES = re.compile(
    r"\binstead\b|\brather than\b|\b(?:switch|chang|replac|swap)\w* (?:to|with|it|for)\b|\bor\b"
)
# Just before a drug: taken alongside the earlier one ("if they are on warfarin", "with clarithromycin").
CO_MEDICATION_BEFORE = re.compile(
    r"\b(?:on|taking|takes|took|using|uses|with|plus|and|alongside|combined with|together with|along with"
    r"|in addition to|added to|add|adding)\s+(?:(?:a|an|the|some|also|already|regular|daily|long-term|chronic)\s+)*$"
)
# Just before a condition: a circumstance of the patient ("in patients with heart failure",
# "if they also have asthma"), not a new subject ("what about asthma?").
CIRCUMSTANCE_BEFORE = re.compile(
    r"\b(?:in|with|has|have|having|had|got|gets|suffers? from|suffering from)\s+"
    r"(?:(?:a|an|the|also|known|coexisting|co-existing|concomitant|concurrent|comorbid|underlying|existing"
    r"|pre-existing|preexisting|history of)\s+)*$"
)
# Words that point back to the thread's subject or patient ("is it safe", "this drug", "they").
# "It" that points nowhere ("is it safe to ...", "is it true that ...") is left out first.
DUMMY_IT = re.compile(
    r"\b(?:is|was|isnt|would|will|does|could|can|might|may) it (?:be )?(?:\w+ ){0,2}(?:to|that|if|when)\b"
    r"|\bit(?:s| is| was| seems| would be| will be) (?:\w+ ){0,2}(?:to|that)\b"
)
_DRUG_NOUNS = r"(?:drugs?|medications?|medicines?|meds?|pills?|tablets?|agents?|treatments?|therap(?:y|ies)|regimens?|injections?|inhalers?)"
_CONDITION_NOUNS = r"(?:condition|conditions|disease|diseases|disorder|illness|infection|problem|diagnosis)"
DRUG_REFERENCE = re.compile(
    rf"\b(?:it|its|itself)\b|\b(?:this|that|these|those|the same|such|said|this same) {_DRUG_NOUNS}\b"
)
CONDITION_REFERENCE = re.compile(rf"\b(?:this|that|the same|such|said|this same) {_CONDITION_NOUNS}\b")
PATIENT_REFERENCE = re.compile(
    r"\b(?:they|them|their|he|she|him|her|his)\b"
    r"|\b(?:this|that|these|those|such|the same) (?:patients?|persons?|people|cases?|group|population)\b"
)
# "This" or "that" alone, as the thing talked about: "is that safe for kids?", "how long to take this?".
THING_REFERENCE = re.compile(
    r"\b(?:is|are|was|does|do|can|could|would|will|should|about|with|on|take|taking|use|using|give|giving|stop"
    r"|stopping|start|starting|try|trying) (?:this|that|these|those)\b(?! \w+ (?:is|are|was|were|do|does|can)\b)"
    rf"(?! (?:{_DRUG_NOUNS}|{_CONDITION_NOUNS}|patients?|persons?|people|cases?|group|population)\b)"
)
_REFERENCES = (
    ("drug", DRUG_REFERENCE),
    ("condition", CONDITION_REFERENCE),
    ("patient", PATIENT_REFERENCE),
    ("thing", THING_REFERENCE),
)


def refers_back(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each word that points back to the thread: "drug" (it, this drug),
    "condition" (this disease), "patient" (they, these patients) or "thing" (that)."""
    flat = DUMMY_IT.sub(lambda m: " " * len(m.group()), text)
    found = [(kind, m.start(), m.end()) for kind, pattern in _REFERENCES for m in pattern.finditer(flat)]
    return sorted(found, key=lambda f: f[1])


def follow_up_lead(text: str) -> int:
    """How many leading characters of a thread question only open it ("and what about ")."""
    m = FOLLOW_UP_LEAD.match(text)
    return m.end() if m and any(c.isalpha() for c in m.group()) else 0


def is_follow_up_wording(text: str) -> bool:
    """Worded as a follow-up: an opener, an elliptical start, a closing "too?" or "instead?"."""
    lead = follow_up_lead(text)
    return bool(lead or FOLLOW_UP_ELLIPSIS.match(text) or FOLLOW_UP_TAIL.search(text.rstrip(" ?.!")))


# Modifiers that describe the patient and so hold for the rest of a thread; first-line and
# non-drug describe the answer asked for and go with the question that asked.
PATIENT_MODIFIERS = (
    "refractory",
    "children",
    "adolescents",
    "pregnancy",
    "breastfeeding",
    "older_adults",
    "renal_impairment",
    "hepatic_impairment",
    "allergy",
)
# An intent in a few words, to restate a follow-up that inherits it ("gout treatment: in pregnancy?").
INTENT_PHRASES = {
    "treatment": "treatment",
    "dosing": "dose",
    "adverse_effects": "side effects",
    "interactions": "interactions",
    "contraindications": "contraindications",
    "monitoring": "monitoring",
    "diagnosis": "diagnosis",
    "symptoms": "symptoms",
    "prognosis": "prognosis",
    "prevention": "prevention",
    "cause": "causes",
    "definition": "",
    "other": "",
}
