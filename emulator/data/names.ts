import type { Region } from "./model";

/**
 * Reference lists for the seeded world: company names, people's names, places, departments,
 * hardware and licence SKUs. Company names are Microsoft's own fictitious ones, so demo screens
 * look familiar; SKU and service-plan ids are the real ones so licence logic can be exercised.
 */

export const REGIONS: readonly Region[] = ["NA", "EU", "AS", "OC"];

export interface Place {
  city: string;
  state: string | null;
  postalCode: string;
  street: string;
}

export interface Country {
  code: string;
  name: string;
  language: string;
  phonePrefix: string;
  places: readonly Place[];
}

export const COUNTRIES: Record<string, Country> = {
  US: {
    code: "US", name: "United States", language: "en-US", phonePrefix: "+1",
    places: [
      { city: "Seattle", state: "WA", postalCode: "98101", street: "1200 Pine Street" },
      { city: "Chicago", state: "IL", postalCode: "60601", street: "233 Lake Street" },
      { city: "Austin", state: "TX", postalCode: "78701", street: "500 Congress Avenue" },
      { city: "New York", state: "NY", postalCode: "10001", street: "350 Fifth Avenue" },
      { city: "Denver", state: "CO", postalCode: "80202", street: "1700 Lincoln Street" },
      { city: "Atlanta", state: "GA", postalCode: "30303", street: "191 Peachtree Street" },
    ],
  },
  CA: {
    code: "CA", name: "Canada", language: "en-CA", phonePrefix: "+1",
    places: [
      { city: "Toronto", state: "ON", postalCode: "M5H 2N2", street: "100 King Street West" },
      { city: "Vancouver", state: "BC", postalCode: "V6B 1A1", street: "725 Granville Street" },
      { city: "Montreal", state: "QC", postalCode: "H3B 2Y5", street: "1000 Rue de la Gauchetière" },
    ],
  },
  GB: {
    code: "GB", name: "United Kingdom", language: "en-GB", phonePrefix: "+44",
    places: [
      { city: "London", state: null, postalCode: "EC2M 7PY", street: "20 Broadgate" },
      { city: "Manchester", state: null, postalCode: "M1 1AE", street: "1 Piccadilly Gardens" },
      { city: "Edinburgh", state: null, postalCode: "EH1 1YZ", street: "15 Princes Street" },
    ],
  },
  DE: {
    code: "DE", name: "Germany", language: "de-DE", phonePrefix: "+49",
    places: [
      { city: "Berlin", state: null, postalCode: "10117", street: "Friedrichstraße 68" },
      { city: "Munich", state: null, postalCode: "80331", street: "Marienplatz 8" },
      { city: "Hamburg", state: null, postalCode: "20095", street: "Mönckebergstraße 7" },
    ],
  },
  FR: {
    code: "FR", name: "France", language: "fr-FR", phonePrefix: "+33",
    places: [
      { city: "Paris", state: null, postalCode: "75008", street: "39 Quai du Président Roosevelt" },
      { city: "Lyon", state: null, postalCode: "69002", street: "12 Rue de la République" },
      { city: "Toulouse", state: null, postalCode: "31000", street: "4 Place du Capitole" },
    ],
  },
  NL: {
    code: "NL", name: "Netherlands", language: "nl-NL", phonePrefix: "+31",
    places: [
      { city: "Amsterdam", state: null, postalCode: "1012 JS", street: "Damrak 70" },
      { city: "Rotterdam", state: null, postalCode: "3011 AA", street: "Coolsingel 40" },
      { city: "Utrecht", state: null, postalCode: "3511 AA", street: "Oudegracht 150" },
    ],
  },
  SE: {
    code: "SE", name: "Sweden", language: "sv-SE", phonePrefix: "+46",
    places: [
      { city: "Stockholm", state: null, postalCode: "111 20", street: "Drottninggatan 25" },
      { city: "Gothenburg", state: null, postalCode: "411 03", street: "Kungsgatan 12" },
    ],
  },
  IE: {
    code: "IE", name: "Ireland", language: "en-IE", phonePrefix: "+353",
    places: [
      { city: "Dublin", state: null, postalCode: "D02 X285", street: "1 Grand Canal Square" },
      { city: "Cork", state: null, postalCode: "T12 W8CP", street: "12 Patrick Street" },
    ],
  },
  JP: {
    code: "JP", name: "Japan", language: "ja-JP", phonePrefix: "+81",
    places: [
      { city: "Tokyo", state: null, postalCode: "108-0075", street: "2-16-3 Konan, Minato-ku" },
      { city: "Osaka", state: null, postalCode: "530-0001", street: "3-1 Umeda, Kita-ku" },
    ],
  },
  SG: {
    code: "SG", name: "Singapore", language: "en-SG", phonePrefix: "+65",
    places: [
      { city: "Singapore", state: null, postalCode: "018989", street: "182 Cecil Street" },
    ],
  },
  IN: {
    code: "IN", name: "India", language: "en-IN", phonePrefix: "+91",
    places: [
      { city: "Bengaluru", state: "Karnataka", postalCode: "560001", street: "12 MG Road" },
      { city: "Mumbai", state: "Maharashtra", postalCode: "400051", street: "G Block, Bandra Kurla Complex" },
      { city: "Hyderabad", state: "Telangana", postalCode: "500032", street: "Gachibowli" },
    ],
  },
  KR: {
    code: "KR", name: "Korea", language: "ko-KR", phonePrefix: "+82",
    places: [
      { city: "Seoul", state: null, postalCode: "04524", street: "50 Jong-ro 1-gil" },
      { city: "Busan", state: null, postalCode: "48058", street: "55 Centum Jungang-ro" },
    ],
  },
  AU: {
    code: "AU", name: "Australia", language: "en-AU", phonePrefix: "+61",
    places: [
      { city: "Sydney", state: "NSW", postalCode: "2000", street: "1 Martin Place" },
      { city: "Melbourne", state: "VIC", postalCode: "3000", street: "120 Collins Street" },
      { city: "Brisbane", state: "QLD", postalCode: "4000", street: "300 Queen Street" },
      { city: "Perth", state: "WA", postalCode: "6000", street: "108 St Georges Terrace" },
    ],
  },
  NZ: {
    code: "NZ", name: "New Zealand", language: "en-NZ", phonePrefix: "+64",
    places: [
      { city: "Auckland", state: null, postalCode: "1010", street: "188 Quay Street" },
      { city: "Wellington", state: null, postalCode: "6011", street: "1 Willis Street" },
    ],
  },
};

/** Customer countries per region, weighted by repetition. */
export const REGION_COUNTRIES: Record<Region, readonly string[]> = {
  NA: ["US", "US", "US", "CA"],
  EU: ["GB", "DE", "FR", "NL", "SE", "IE"],
  AS: ["JP", "SG", "IN", "KR"],
  OC: ["AU", "AU", "AU", "NZ"],
};


/** [display name, domain slug]. */
export const COMPANIES: readonly (readonly [string, string])[] = [
  ["Northwind Traders", "northwind"],
  ["Contoso", "contoso"],
  ["Adventure Works", "adventureworks"],
  ["Tailspin Toys", "tailspin"],
  ["Wide World Importers", "wideworld"],
  ["Woodgrove Bank", "woodgrove"],
  ["Litware", "litware"],
  ["Proseware", "proseware"],
  ["Fourth Coffee", "fourthcoffee"],
  ["Alpine Ski House", "alpineski"],
  ["Coho Winery", "cohowinery"],
  ["Lucerne Publishing", "lucerne"],
  ["Margie's Travel", "margiestravel"],
  ["Trey Research", "treyresearch"],
  ["Wingtip Toys", "wingtip"],
  ["Blue Yonder Airlines", "blueyonder"],
  ["Humongous Insurance", "humongous"],
  ["City Power & Light", "citypower"],
  ["Consolidated Messenger", "consolidated"],
  ["VanArsdel", "vanarsdel"],
  ["Relecloud", "relecloud"],
  ["Lamna Healthcare", "lamna"],
  ["Best For You Organics", "bestforyou"],
  ["Bellows College", "bellows"],
  ["Southridge Video", "southridge"],
  ["A. Datum Corporation", "adatum"],
  ["Graphic Design Institute", "graphicdesign"],
  ["Munson's Pickles and Preserves", "munsons"],
  ["Nod Publishers", "nodpublishers"],
  ["School of Fine Art", "fineart"],
  ["Tasman Logistics", "tasman"],
  ["Baldwin Museum of Science", "baldwin"],
];

/** Given and family names per region; ASCII so that they double as mail aliases. */
export const GIVEN_NAMES: Record<Region, readonly string[]> = {
  NA: [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
    "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda", "Brian", "Melissa", "Luis", "Stephanie",
    "Jose", "Rebecca", "Ryan", "Laura", "Jacob", "Sharon", "Nicholas", "Cynthia", "Eric", "Kathleen",
    "Jonathan", "Amy", "Aiden", "Olivia", "Noah", "Sofia", "Ethan", "Mia", "Liam", "Chloe",
  ],
  EU: [
    "Lukas", "Emma", "Leon", "Hannah", "Felix", "Mia", "Jonas", "Sofia", "Paul", "Lena",
    "Louis", "Chloe", "Hugo", "Camille", "Arthur", "Manon", "Jules", "Ines", "Lars", "Astrid",
    "Erik", "Ingrid", "Sven", "Freja", "Daan", "Sanne", "Bram", "Fleur", "Sem", "Lotte",
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Grace", "Sean", "Aoife",
    "Conor", "Niamh", "Matteo", "Giulia", "Marco", "Elena", "Pablo", "Lucia", "Tomas", "Anna",
    "Mateusz", "Zofia", "Piotr", "Julia", "Nils", "Elsa", "Finn", "Clara", "Henrik", "Maja",
  ],
  AS: [
    "Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Takumi", "Sakura", "Kenji", "Yuki",
    "Minjun", "Seoyeon", "Jiho", "Jiwoo", "Hyunwoo", "Soyeon", "Arjun", "Priya", "Rahul", "Ananya",
    "Vikram", "Kavya", "Rohan", "Isha", "Aditya", "Neha", "Wei", "Mei", "Jun", "Xin",
    "Hao", "Lin", "Jia", "Yan", "Kai", "Li", "Ravi", "Divya", "Sanjay", "Pooja",
    "Daniel", "Grace", "Ethan", "Chloe", "Ryan", "Rachel", "Marcus", "Natalie", "Darren", "Jasmine",
  ],
  OC: [
    "Jack", "Charlotte", "Oliver", "Amelia", "William", "Isla", "Noah", "Olivia", "Thomas", "Mia",
    "James", "Ava", "Lucas", "Grace", "Henry", "Chloe", "Ethan", "Zoe", "Liam", "Ruby",
    "Cooper", "Matilda", "Harrison", "Sienna", "Lachlan", "Harper", "Riley", "Evie", "Mason", "Willow",
    "Nikau", "Aroha", "Tane", "Maia", "Wiremu", "Anahera", "Hemi", "Kiri", "Mitchell", "Tahlia",
    "Hamish", "Georgia", "Angus", "Sophie", "Fraser", "Emily", "Callum", "Hannah", "Blake", "Jessica",
  ],
};

export const SURNAMES: Record<Region, readonly string[]> = {
  NA: [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Tremblay", "Gagnon", "Roy", "Cote", "Bouchard", "Patel", "Kim", "Chen", "Singh", "Okafor",
  ],
  EU: [
    "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos",
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Lindberg",
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Murphy", "Kelly", "O'Sullivan", "Walsh",
    "Rossi", "Russo", "Ferrari", "Garcia", "Fernandez", "Kowalski", "Nowak", "Novak", "Horvat", "Lambert",
  ],
  AS: [
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
    "Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Rao", "Mehta",
    "Tan", "Lim", "Ng", "Wong", "Goh", "Chua", "Teo", "Ong", "Koh", "Chan",
    "Chen", "Wang", "Zhang", "Liu", "Huang", "Lin", "Zhou", "Wu", "Xu", "Sun",
  ],
  OC: [
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
    "Thompson", "Nguyen", "Thomas", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King",
    "Davis", "Wright", "Evans", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Campbell",
    "Ngata", "Parata", "Tipene", "Walker", "Henare", "Te Rangi", "Mitchell", "Young", "Scott", "Stewart",
    "MacDonald", "Murray", "Reid", "Hughes", "Edwards", "Hill", "Cooper", "Ward", "Morris", "Baker",
  ],
};

/** Guests come from outside; their mail domains are outside every tenant. */
export const GUEST_DOMAINS: readonly string[] = [
  "outlook.example", "gmail.example", "consultants.example", "auditfirm.example", "designstudio.example",
];

export interface Department {
  name: string;
  titles: readonly string[];
}

export const DEPARTMENTS: readonly Department[] = [
  { name: "Sales", titles: ["Account Executive", "Sales Representative", "Inside Sales Specialist", "Sales Engineer"] },
  { name: "Marketing", titles: ["Marketing Specialist", "Content Strategist", "Brand Manager", "Digital Marketing Analyst"] },
  { name: "Finance", titles: ["Accountant", "Financial Analyst", "Payroll Specialist", "Controller"] },
  { name: "IT", titles: ["Systems Administrator", "Service Desk Analyst", "Network Engineer", "Cloud Engineer"] },
  { name: "Human Resources", titles: ["HR Generalist", "Recruiter", "HR Business Partner"] },
  { name: "Operations", titles: ["Operations Coordinator", "Logistics Specialist", "Facilities Coordinator"] },
  { name: "Engineering", titles: ["Software Engineer", "Senior Software Engineer", "QA Engineer", "Product Designer"] },
  { name: "Legal", titles: ["Paralegal", "Legal Counsel", "Compliance Officer"] },
  { name: "Customer Support", titles: ["Support Specialist", "Customer Success Manager", "Support Engineer"] },
];

/** Service plans (id, Graph `service` name) that the SKUs below bundle. */
export const PLANS = {
  exchangeP2: { servicePlanId: "efb87545-963c-4e0d-99df-69c6916d9eb0", service: "exchange" },
  exchangeP1: { servicePlanId: "9aaf7827-d63c-4b61-89c3-182f06f82e5c", service: "exchange" },
  sharePointP2: { servicePlanId: "5dbe027f-2339-4123-9542-606e4d348a72", service: "SharePoint" },
  sharePointP1: { servicePlanId: "c7699d2e-19aa-44de-8edf-1736da088ca1", service: "SharePoint" },
  teams: { servicePlanId: "57ff2da0-773e-42df-b2af-ffb7a2317929", service: "TeamspaceAPI" },
  officeApps: { servicePlanId: "43de0ff5-c92c-492b-9116-175376d08c38", service: "MicrosoftOffice" },
  intune: { servicePlanId: "c1ec4a95-1f05-45b3-a911-aa3fa01094f5", service: "SCO" },
  entraP1: { servicePlanId: "41781fb2-bc02-4b7c-bd55-b576c07bb09d", service: "AADPremiumService" },
} as const;

export interface Sku {
  skuId: string;
  skuPartNumber: string;
  plans: readonly { servicePlanId: string; service: string }[];
}

export const SKUS = {
  businessPremium: {
    skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", skuPartNumber: "SPB",
    plans: [PLANS.exchangeP1, PLANS.sharePointP1, PLANS.teams, PLANS.officeApps, PLANS.intune, PLANS.entraP1],
  },
  m365E3: {
    skuId: "05e9a617-0261-4cee-bb44-138d3ef5d965", skuPartNumber: "SPE_E3",
    plans: [PLANS.exchangeP2, PLANS.sharePointP2, PLANS.teams, PLANS.officeApps, PLANS.intune, PLANS.entraP1],
  },
  businessStandard: {
    skuId: "f245ecc8-75af-4f8e-b61f-27d8114de5f3", skuPartNumber: "O365_BUSINESS_PREMIUM",
    plans: [PLANS.exchangeP1, PLANS.sharePointP1, PLANS.teams, PLANS.officeApps],
  },
  businessBasic: {
    skuId: "3b555118-da6a-4418-894f-7df1e2096870", skuPartNumber: "O365_BUSINESS_ESSENTIALS",
    plans: [PLANS.exchangeP1, PLANS.sharePointP1, PLANS.teams],
  },
  o365E3: {
    skuId: "6fd2c87f-b296-42f0-b197-1e91e994b900", skuPartNumber: "ENTERPRISEPACK",
    plans: [PLANS.exchangeP2, PLANS.sharePointP2, PLANS.teams, PLANS.officeApps],
  },
} satisfies Record<string, Sku>;

/** Intune's first-party app id, which Entra records as `mdmAppId` on MDM-enrolled devices. */
export const INTUNE_MDM_APP_ID = "0000000a-0000-0000-c000-000000000000";

export type DeviceOs = "Windows" | "iOS" | "Android" | "macOS";

export interface Hardware {
  manufacturer: string;
  model: string;
  storageGb: number;
}

export const HARDWARE: Record<DeviceOs, readonly Hardware[]> = {
  Windows: [
    { manufacturer: "Dell Inc.", model: "Latitude 7440", storageGb: 512 },
    { manufacturer: "Dell Inc.", model: "OptiPlex 7010", storageGb: 256 },
    { manufacturer: "HP", model: "HP EliteBook 840 14 inch G10 Notebook PC", storageGb: 512 },
    { manufacturer: "LENOVO", model: "21HD0040US", storageGb: 512 },
    { manufacturer: "Microsoft Corporation", model: "Surface Laptop 5", storageGb: 256 },
    { manufacturer: "Microsoft Corporation", model: "Surface Pro 9", storageGb: 256 },
  ],
  iOS: [
    { manufacturer: "Apple", model: "iPhone 15", storageGb: 128 },
    { manufacturer: "Apple", model: "iPhone 15 Pro", storageGb: 256 },
    { manufacturer: "Apple", model: "iPhone 14", storageGb: 128 },
    { manufacturer: "Apple", model: "iPad Air (5th generation)", storageGb: 64 },
  ],
  Android: [
    { manufacturer: "samsung", model: "SM-S911B", storageGb: 128 },
    { manufacturer: "samsung", model: "SM-A546B", storageGb: 128 },
    { manufacturer: "Google", model: "Pixel 8", storageGb: 128 },
    { manufacturer: "Google", model: "Pixel 7a", storageGb: 128 },
  ],
  macOS: [
    { manufacturer: "Apple", model: "MacBookPro18,3", storageGb: 512 },
    { manufacturer: "Apple", model: "Mac14,2", storageGb: 256 },
    { manufacturer: "Apple", model: "Mac15,3", storageGb: 512 },
  ],
};

export const OS_VERSIONS: Record<DeviceOs, readonly string[]> = {
  Windows: ["10.0.22631.4460", "10.0.26100.2314", "10.0.22631.4317", "10.0.19045.5131"],
  iOS: ["18.1", "18.0.1", "17.7", "17.6.1"],
  Android: ["14", "14", "13", "15"],
  macOS: ["15.1 (24B83)", "14.7.1 (23H222)", "14.6.1 (23G93)"],
};

/** Android security patch level per OS version (Intune reports it only for Android). */
export const ANDROID_PATCH: Record<string, string> = {
  "13": "2024-06-01",
  "14": "2024-10-01",
  "15": "2024-11-01",
};

export const PROJECT_WORDS: readonly string[] = [
  "Falcon", "Aurora", "Horizon", "Atlas", "Phoenix", "Mercury", "Orion", "Summit", "Catalyst", "Nimbus",
  "Evergreen", "Keystone", "Lighthouse", "Meridian", "Northstar", "Pioneer", "Quantum", "Redwood", "Sapphire", "Trident",
];

export const GROUP_TOPICS: readonly string[] = [
  "Project", "Initiative", "Working Group", "Steering Committee", "Community", "Taskforce", "Program", "Rollout",
];
