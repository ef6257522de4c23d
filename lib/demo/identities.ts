import "server-only";
import type { Rng } from "./rng";

/*
 * Clear-text identifiers of the synthetic population. They exist only in memory, long enough to be
 * hashed: no output file ever contains them (a test checks every file against these lists).
 * Names avoid every word used in the ward names written to output-areas.csv, so that check stays exact.
 */

export const GIRL_FORENAMES = [
  "Amelia",
  "Olivia",
  "Isla",
  "Emily",
  "Poppy",
  "Ava",
  "Isabella",
  "Jessica",
  "Lily",
  "Sophie",
  "Grace",
  "Sophia",
  "Mia",
  "Evie",
  "Ruby",
  "Ella",
  "Scarlett",
  "Chloe",
  "Isabelle",
  "Freya",
  "Charlotte",
  "Sienna",
  "Daisy",
  "Phoebe",
  "Millie",
  "Eva",
  "Alice",
  "Lucy",
  "Florence",
  "Sofia",
  "Layla",
  "Lola",
  "Holly",
  "Imogen",
  "Molly",
  "Matilda",
  "Erin",
  "Rosie",
  "Elsie",
  "Maisie",
  "Jasmine",
  "Harriet",
  "Amber",
  "Bethany",
  "Niamh",
  "Leah",
  "Megan",
  "Keira",
  "Tilly",
  "Paige",
] as const;

export const BOY_FORENAMES = [
  "Oliver",
  "Jack",
  "Harry",
  "Jacob",
  "Charlie",
  "Thomas",
  "George",
  "Oscar",
  "James",
  "William",
  "Noah",
  "Alfie",
  "Joshua",
  "Muhammad",
  "Henry",
  "Leo",
  "Archie",
  "Ethan",
  "Joseph",
  "Freddie",
  "Samuel",
  "Alexander",
  "Logan",
  "Daniel",
  "Isaac",
  "Max",
  "Mohammed",
  "Benjamin",
  "Mason",
  "Lucas",
  "Edward",
  "Harrison",
  "Jake",
  "Dylan",
  "Riley",
  "Finley",
  "Theo",
  "Sebastian",
  "Adam",
  "Zachary",
  "Arthur",
  "Toby",
  "Jayden",
  "Luke",
  "Harley",
  "Lewis",
  "Tyler",
  "Harvey",
  "Reuben",
  "Kian",
] as const;

export const ADULT_FORENAMES = [
  "Sarah",
  "Claire",
  "Emma",
  "Nicola",
  "Lisa",
  "Kelly",
  "Joanne",
  "Rachel",
  "Donna",
  "Samantha",
  "Paul",
  "Mark",
  "David",
  "Andrew",
  "Richard",
  "Darren",
  "Stuart",
  "Craig",
  "Wayne",
  "Gary",
] as const;

export const SURNAMES = [
  "Smith",
  "Jones",
  "Taylor",
  "Brown",
  "Williams",
  "Wilson",
  "Johnson",
  "Davies",
  "Robinson",
  "Wright",
  "Thompson",
  "Evans",
  "Walker",
  "White",
  "Roberts",
  "Green",
  "Hall",
  "Wood",
  "Jackson",
  "Clarke",
  "Patel",
  "Harris",
  "Turner",
  "Cooper",
  "Hill",
  "Ward",
  "Morris",
  "Moore",
  "Clark",
  "King",
  "Baker",
  "Harrison",
  "Morgan",
  "Allen",
  "James",
  "Scott",
  "Phillips",
  "Watson",
  "Davis",
  "Parker",
  "Price",
  "Bennett",
  "Young",
  "Griffiths",
  "Mitchell",
  "Kelly",
  "Cook",
  "Carter",
  "Richardson",
  "Bailey",
  "Collins",
  "Bell",
  "Shaw",
  "Murphy",
  "Miller",
  "Cox",
  "Richards",
  "Khan",
  "Marshall",
  "Anderson",
  "Simpson",
  "Ellis",
  "Adams",
  "Singh",
  "Begum",
  "Wilkinson",
  "Foster",
  "Chapman",
  "Powell",
  "Webb",
  "Rogers",
  "Gray",
  "Mason",
  "Ali",
  "Hunt",
  "Hussain",
  "Campbell",
  "Matthews",
  "Owen",
  "Palmer",
  "Okafor",
  "Adeyemi",
  "Mensah",
  "Nowak",
  "Kowalski",
  "Popescu",
  "Chen",
  "Ahmed",
  "Sutton",
  "Fletcher",
] as const;

const STREET_STEMS = [
  "Alder",
  "Ashdown",
  "Beech",
  "Birchwood",
  "Bramble",
  "Briarwood",
  "Cedar",
  "Chestnut",
  "Clover",
  "Copper",
  "Elmstead",
  "Fairhaven",
  "Fernbank",
  "Foxglove",
  "Glebe",
  "Hawthorn",
  "Hazel",
  "Heather",
  "Holm",
  "Ivy",
  "Juniper",
  "Kestrel",
  "Larch",
  "Linden",
  "Maple",
  "Meadow",
  "Mulberry",
  "Oakwood",
  "Orchard",
  "Poplar",
  "Primrose",
  "Rowan",
  "Saffron",
  "Sorrel",
  "Spindle",
  "Sycamore",
  "Thistle",
  "Willow",
  "Wren",
  "Yew",
  "Avocet",
  "Bittern",
  "Curlew",
  "Dunlin",
  "Egret",
  "Godwit",
  "Heron",
  "Lapwing",
  "Plover",
  "Redshank",
] as const;

const STREET_TYPES = ["Road", "Close", "Avenue", "Way", "Gardens", "Crescent", "Drive", "Walk", "Court", "Mews"] as const;

/** All words a street name can contain, for the "no raw identifier in output" check. */
export const STREET_WORDS: readonly string[] = [...STREET_STEMS, ...STREET_TYPES];

export const DEMO_SALT = "essex-demo-key-synthetic-not-a-real-secret-2016";

/**
 * Postcode units of the Basildon districts. Unit letters follow Royal Mail's rule (no C, I, K, M, O, V),
 * so the synthetic codes look real without being anyone's address.
 */
const UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";
const VANGE_SECTORS = ["SS16 4", "SS16 5", "SS16 6"] as const;
const REST_SECTORS = [
  "SS13 1",
  "SS13 2",
  "SS13 3",
  "SS14 1",
  "SS14 2",
  "SS14 3",
  "SS15 4",
  "SS15 5",
  "SS15 6",
  "SS11 7",
  "SS11 8",
  "SS12 0",
  "SS12 9",
  "CM11 1",
  "CM11 2",
  "CM12 0",
  "CM12 9",
] as const;
const UNITS_PER_SECTOR = UNIT_LETTERS.length * UNIT_LETTERS.length;

export const POSTCODE_CAPACITY = {
  vange: VANGE_SECTORS.length * UNITS_PER_SECTOR,
  rest: REST_SECTORS.length * UNITS_PER_SECTOR,
} as const;

/** The n-th postcode of an area: a bijection, so distinct blocks never share a postcode. */
export function postcodeFor(area: "vange" | "rest", n: number): string {
  const sectors = area === "vange" ? VANGE_SECTORS : REST_SECTORS;
  const sector = sectors[Math.floor(n / UNITS_PER_SECTOR)];
  if (sector === undefined) throw new RangeError(`no postcode unit ${n} left in ${area}`);
  const unit = n % UNITS_PER_SECTOR;
  return `${sector}${UNIT_LETTERS[Math.floor(unit / UNIT_LETTERS.length)]}${UNIT_LETTERS[unit % UNIT_LETTERS.length]}`;
}

export function streetFor(blockIndex: number): string {
  const stem = STREET_STEMS[blockIndex % STREET_STEMS.length] as string;
  const type = STREET_TYPES[Math.floor(blockIndex / STREET_STEMS.length) % STREET_TYPES.length] as string;
  return `${stem} ${type}`;
}

export interface AddressIdentity {
  address_line_1: string;
  postcode: string;
  uprn: string;
}

export interface PersonIdentity {
  forename: string;
  surname: string;
  /** YYYY-MM-DD */
  date_of_birth: string;
  gender: "F" | "M";
}

/** The clear-text columns each key is computed from, in the shape OpenPseudonymiser reads them. */
export function addressKeyColumns(address: AddressIdentity): Record<string, string> {
  return { address_line_1: address.address_line_1, postcode: address.postcode };
}

export function personKeyColumns(person: PersonIdentity): Record<string, string> {
  return {
    forename: person.forename,
    surname: person.surname,
    date_of_birth: person.date_of_birth,
    gender: person.gender,
  };
}

export function forenameFor(rng: Rng, gender: "F" | "M"): string {
  return rng.pick(gender === "F" ? GIRL_FORENAMES : BOY_FORENAMES);
}

/** A UPRN-like 12-digit number (Basildon's start 1000...), unique per household index. */
export function uprnFor(householdIndex: number): string {
  return String(100_090_000_000 + householdIndex * 7 + 3);
}
