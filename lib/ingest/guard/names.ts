import "server-only";

/*
 * Common UK forenames and surnames, lowercase. The list is deliberately modest: it
 * only has to recognise a "Forename Surname" pair in a cell that already failed
 * validation (or sits in a key column), not to find every name in the country.
 * Sources: frequent names in ONS baby-name tables (several decades) and the most
 * frequent surnames in England, Wales, Scotland and Ireland.
 */

export const FORENAMES: readonly string[] = [
  "oliver", "george", "harry", "jack", "jacob", "noah", "charlie", "muhammad", "mohammed", "mohammad",
  "thomas", "oscar", "william", "james", "henry", "leo", "alfie", "joshua", "freddie", "archie", "ethan",
  "isaac", "alexander", "joseph", "edward", "samuel", "max", "daniel", "arthur", "lucas", "mohamed", "logan",
  "theo", "harrison", "benjamin", "mason", "sebastian", "finley", "adam", "dylan", "zachary", "riley",
  "teddy", "theodore", "david", "elijah", "jake", "toby", "louie", "reuben", "arlo", "hugo", "jaxon", "luca",
  "matthew", "harvey", "harley", "reggie", "tommy", "jenson", "luke", "michael", "jayden", "frankie", "rory",
  "albie", "elliot", "stanley", "hunter", "tyler", "caleb", "austin", "jude", "louis", "jesse", "ronnie",
  "kai", "ryan", "christopher", "andrew", "robert", "john", "paul", "mark", "stephen", "richard", "peter",
  "anthony", "kevin", "gary", "simon", "ian", "neil", "craig", "lee", "darren", "jason", "martin", "steven",
  "wayne", "dean", "scott", "carl", "colin", "graham", "keith", "brian", "alan", "barry", "derek", "trevor",
  "terence", "raymond", "kenneth", "ronald", "roy", "malcolm", "geoffrey", "nigel", "philip", "patrick",
  "sean", "connor", "callum", "kieran", "liam", "aaron", "nathan", "jordan", "bradley", "jamie", "ross",
  "shane", "declan", "owen", "rhys", "gareth", "dafydd", "euan", "ewan", "angus", "hamish", "fraser",
  "calum", "alistair", "duncan", "stuart", "gordon", "douglas", "olivia", "amelia", "isla", "ava", "mia",
  "ivy", "lily", "isabella", "rosie", "sophia", "grace", "willow", "freya", "florence", "emily", "ella",
  "poppy", "evie", "elsie", "charlotte", "evelyn", "sienna", "sofia", "daisy", "phoebe", "sophie", "alice",
  "harper", "matilda", "ruby", "emilia", "maya", "millie", "isabelle", "eva", "luna", "imogen", "esme",
  "arabella", "violet", "bonnie", "maisie", "scarlett", "aria", "ellie", "hallie", "erin", "jessica",
  "layla", "chloe", "thea", "holly", "zara", "lola", "molly", "penelope", "harriet", "eleanor", "lucy",
  "martha", "mila", "orla", "nancy", "aurora", "ada", "beatrice", "robyn", "heidi", "darcie", "sarah",
  "emma", "laura", "rebecca", "hannah", "amy", "claire", "nicola", "rachel", "lisa", "michelle", "kelly",
  "joanne", "helen", "louise", "victoria", "katie", "gemma", "natalie", "samantha", "jennifer", "elizabeth",
  "catherine", "katherine", "kate", "stephanie", "jade", "leanne", "kerry", "donna", "tracy", "tracey",
  "julie", "karen", "susan", "sharon", "deborah", "debbie", "angela", "jacqueline", "patricia", "linda",
  "margaret", "barbara", "janet", "christine", "carol", "pauline", "jean", "anne", "ann", "maureen",
  "sandra", "wendy", "diane", "dawn", "jane", "alison", "caroline", "fiona", "joanna", "kirsty", "lindsay",
  "lynsey", "stacey", "danielle", "charlene", "chelsea", "shannon", "bethany", "megan", "courtney",
  "abigail", "georgia", "jasmine", "paige", "leah", "naomi", "kayleigh", "natasha", "hayley", "melissa",
  "vanessa", "yvonne", "gillian", "shirley", "brenda", "valerie", "doreen", "sheila", "marjorie", "dorothy",
  "joyce", "irene", "eileen", "kathleen", "bridget", "siobhan", "aoife", "niamh", "ciara", "mairead",
  "fatima", "aisha", "ayesha", "zainab", "maryam", "khadija", "amina", "hafsa", "priya", "anjali", "sunita",
];

export const SURNAMES: readonly string[] = [
  "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas", "johnson",
  "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards", "hughes", "green", "hall",
  "lewis", "harris", "clarke", "clark", "patel", "jackson", "wood", "turner", "martin", "cooper", "hill",
  "ward", "morris", "moore", "king", "watson", "baker", "harrison", "morgan", "young", "allen", "mitchell",
  "anderson", "lee", "bell", "parker", "davis", "jenkins", "owen", "kelly", "james", "phillips",
  "richardson", "shaw", "cook", "chapman", "collins", "palmer", "rogers", "marshall", "griffiths", "stevens",
  "simpson", "knight", "bennett", "cox", "russell", "scott", "matthews", "bailey", "price", "lloyd", "ellis",
  "murphy", "fisher", "holmes", "stewart", "mills", "gray", "grey", "graham", "rose", "webb", "campbell",
  "powell", "barnes", "mason", "butler", "armstrong", "murray", "pearson", "dixon", "owens", "gibson",
  "hunt", "holland", "reynolds", "fox", "walsh", "hart", "kennedy", "mcdonald", "macdonald", "wells", "ross",
  "gordon", "saunders", "hamilton", "berry", "cole", "hudson", "rees", "foster", "brooks", "chambers",
  "lawrence", "payne", "grant", "andrews", "barker", "burton", "hunter", "spencer", "pearce", "atkinson",
  "kaur", "singh", "khan", "ahmed", "ali", "hussain", "shah", "begum", "akhtar", "iqbal", "rahman", "islam",
  "miah", "uddin", "mahmood", "bibi", "sharma", "kumar", "chauhan", "mistry", "harvey", "jordan", "lambert",
  "doyle", "obrien", "o'brien", "o'neill", "oneill", "o'connor", "connor", "byrne", "ryan", "sullivan",
  "o'sullivan", "mccarthy", "quinn", "burke", "dunn", "lynch", "brennan", "barry", "daly", "donnelly",
  "doherty", "gallagher", "kane", "mcgrath", "mclaughlin", "mcintyre", "maclean", "mackenzie", "mackay",
  "mcleod", "robertson", "paterson", "henderson", "ferguson", "fraser", "reid", "sutherland", "morrison",
  "cameron", "duncan", "johnston", "watt", "milne", "francis", "newman", "hussey", "bishop", "nicholson",
  "slater", "sharp", "glover", "day", "lowe", "riley", "dawson", "moss", "hopkins", "hayes", "hanson",
  "howard", "howell", "hale", "gill", "burns", "kirby", "porter", "booth", "barrett", "carter", "rowe",
  "rowley", "ball", "bates", "bradley", "bolton", "briggs", "bond", "carr", "cartwright", "connolly",
  "cross", "curtis", "dean", "dennis", "farmer", "field", "fletcher", "ford", "frost", "fuller", "gardner",
  "george", "gilbert", "goodwin", "gough", "hardy", "haynes", "heath", "hewitt", "higgins", "hobbs",
  "hodgson", "holt", "horton", "humphreys", "jarvis", "jefferies", "kemp", "kerr", "lamb", "law", "leach",
  "lord", "lucas", "mann", "marsh", "may", "miles", "miller", "nash", "norris", "norton", "page", "parry",
  "parsons", "peacock", "perkins", "perry", "potter", "preston", "randall", "read", "reed", "rhodes", "rich",
  "robson", "sanders", "savage", "sheppard", "short", "skinner", "stone", "summers", "sutton", "swift",
  "thornton", "tucker", "vaughan", "wade", "walton", "warren", "waters", "watts", "west", "wheeler",
  "whitehouse", "wilkinson", "williamson", "winter", "wong", "woods", "wyatt", "yates",
];
