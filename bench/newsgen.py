"""Synthetic but real-looking wire headlines and teasers for the feed farm.

Written from templates and word lists (no outlet's text is copied), seeded, so a farm with
the same seed serves the same items. About `match_rate` of the items are on one of the
shipped themes (Quad, Japan-South Korea normalization, Canada and the Indo-Pacific, the
US-Japan-South Korea trilateral, North Korean missile launches); a few more are near misses
(a quad bike, Japan and Korea without any thaw) so the matcher does real work on both sides.

Each item picks a desk (economy, business, politics, security, disasters, health, courts,
technology, culture and sport), a country (140, with 568 cities; the desk's focus countries
more often), people (174 first and 232 family names), organisations and invented companies,
and writes a headline from 122 templates and a teaser of 1-3 sentences from 131 sentence
templates. Title and teaser share their slots, so a teaser names the headline's country,
company or person again, as a real one does. `[a|b|c]` in a template picks one variant.

Calibrated against real feeds, so that the benchmarks measure a realistic workload:
- story grouping: in a pool of 1,290 items, the MinHash/LSH band keys of
  service/stories/signature.py make an item collide with 1.01 % of the pool (eight seeds:
  0.96-1.06 %). Real outlet feeds (2026): 0.33 %; real 2023 news focused on Japan/Korea:
  1.50 %. The previous, much smaller word lists: 25 %.
- themes: the shipped themes plus `theme_queries` up to 100 (bench/wwconfig.py) match 6.7 %
  of 3,000 items (five seeds: 6.6-7.5 %; the previous word lists: ~37 %); the shipped themes
  alone match 2.9 % (the on-theme items plus a rare real-looking accidental hit, e.g. Canada
  next to China); near misses never match.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    name: str
    adj: str
    cities: tuple[str, ...]  # the capital first
    article: bool  # "the Philippines"


# name|adjective|cities (capital first); "the" goes with the name in the text, not in themes.
_COUNTRY_TABLE = """\
Japan|Japanese|Tokyo,Osaka,Nagoya,Sapporo,Fukuoka,Sendai,Hiroshima,Kobe,Niigata,Kumamoto
South Korea|South Korean|Seoul,Busan,Incheon,Daegu,Gwangju,Daejeon,Ulsan,Suwon
China|Chinese|Beijing,Shanghai,Shenzhen,Guangzhou,Chengdu,Wuhan,Chongqing,Tianjin,Xi'an,Hong Kong
Taiwan|Taiwanese|Taipei,Kaohsiung,Taichung,Tainan,Hsinchu
Mongolia|Mongolian|Ulaanbaatar,Darkhan,Erdenet
Vietnam|Vietnamese|Hanoi,Ho Chi Minh City,Da Nang,Haiphong,Can Tho
Thailand|Thai|Bangkok,Chiang Mai,Phuket,Pattaya,Khon Kaen
Cambodia|Cambodian|Phnom Penh,Siem Reap,Sihanoukville,Battambang
Laos|Lao|Vientiane,Luang Prabang,Pakse
Myanmar|Myanmar|Naypyitaw,Yangon,Mandalay,Sittwe
Malaysia|Malaysian|Kuala Lumpur,Penang,Johor Bahru,Kota Kinabalu,Kuching
Singapore|Singaporean|Singapore
Indonesia|Indonesian|Jakarta,Surabaya,Bandung,Medan,Makassar,Denpasar,Semarang
the Philippines|Philippine|Manila,Cebu,Davao,Quezon City,Iloilo,Zamboanga
Timor-Leste|Timorese|Dili,Baucau
Papua New Guinea|Papua New Guinean|Port Moresby,Lae,Mount Hagen
Fiji|Fijian|Suva,Nadi,Lautoka
Samoa|Samoan|Apia
the Solomon Islands|Solomon Islands|Honiara
Tonga|Tongan|Nuku'alofa
Australia|Australian|Canberra,Sydney,Melbourne,Brisbane,Perth,Adelaide,Darwin,Hobart,Cairns
New Zealand|New Zealand|Wellington,Auckland,Christchurch,Dunedin,Hamilton
India|Indian|New Delhi,Mumbai,Bengaluru,Chennai,Kolkata,Hyderabad,Ahmedabad,Pune,Jaipur,Lucknow
Pakistan|Pakistani|Islamabad,Karachi,Lahore,Peshawar,Quetta,Multan
Bangladesh|Bangladeshi|Dhaka,Chittagong,Sylhet,Khulna
Sri Lanka|Sri Lankan|Colombo,Kandy,Galle,Jaffna
Nepal|Nepali|Kathmandu,Pokhara,Biratnagar
the Maldives|Maldivian|Male,Addu City
Afghanistan|Afghan|Kabul,Kandahar,Herat,Mazar-i-Sharif
Kazakhstan|Kazakh|Astana,Almaty,Shymkent,Karaganda
Uzbekistan|Uzbek|Tashkent,Samarkand,Bukhara
Kyrgyzstan|Kyrgyz|Bishkek,Osh
Tajikistan|Tajik|Dushanbe,Khujand
Iran|Iranian|Tehran,Isfahan,Mashhad,Tabriz,Shiraz
Iraq|Iraqi|Baghdad,Basra,Mosul,Erbil,Najaf
Syria|Syrian|Damascus,Aleppo,Homs,Idlib,Latakia
Lebanon|Lebanese|Beirut,Tripoli,Sidon,Tyre
Jordan|Jordanian|Amman,Aqaba,Irbid,Zarqa
Israel|Israeli|Jerusalem,Tel Aviv,Haifa,Beersheba
Saudi Arabia|Saudi|Riyadh,Jeddah,Dammam,Mecca,Medina
the United Arab Emirates|Emirati|Abu Dhabi,Dubai,Sharjah
Qatar|Qatari|Doha
Kuwait|Kuwaiti|Kuwait City
Oman|Omani|Muscat,Salalah,Sohar
Yemen|Yemeni|Sanaa,Aden,Hodeidah,Marib
Bahrain|Bahraini|Manama
Turkey|Turkish|Ankara,Istanbul,Izmir,Antalya,Gaziantep,Bursa
Egypt|Egyptian|Cairo,Alexandria,Giza,Port Said,Luxor,Aswan
Libya|Libyan|Tripoli,Benghazi,Misrata,Derna
Tunisia|Tunisian|Tunis,Sfax,Sousse
Algeria|Algerian|Algiers,Oran,Constantine
Morocco|Moroccan|Rabat,Casablanca,Marrakech,Tangier,Fez,Agadir
Sudan|Sudanese|Khartoum,Omdurman,Port Sudan,El Fasher
South Sudan|South Sudanese|Juba,Malakal
Ethiopia|Ethiopian|Addis Ababa,Dire Dawa,Mekelle,Bahir Dar,Gondar
Somalia|Somali|Mogadishu,Kismayo,Hargeisa,Baidoa
Kenya|Kenyan|Nairobi,Mombasa,Kisumu,Nakuru,Eldoret
Uganda|Ugandan|Kampala,Entebbe,Gulu,Mbarara
Tanzania|Tanzanian|Dodoma,Dar es Salaam,Arusha,Zanzibar,Mwanza
Rwanda|Rwandan|Kigali,Huye
the Democratic Republic of Congo|Congolese|Kinshasa,Goma,Lubumbashi,Bukavu,Kisangani
Nigeria|Nigerian|Abuja,Lagos,Kano,Ibadan,Port Harcourt,Kaduna,Maiduguri
Ghana|Ghanaian|Accra,Kumasi,Tamale,Takoradi
Senegal|Senegalese|Dakar,Touba,Thies,Ziguinchor
Mali|Malian|Bamako,Timbuktu,Gao,Mopti
Niger|Nigerien|Niamey,Agadez,Zinder
Burkina Faso|Burkinabe|Ouagadougou,Bobo-Dioulasso
Ivory Coast|Ivorian|Yamoussoukro,Abidjan,Bouake
Cameroon|Cameroonian|Yaounde,Douala,Bamenda
Chad|Chadian|N'Djamena,Abeche
Angola|Angolan|Luanda,Lobito,Huambo
Mozambique|Mozambican|Maputo,Beira,Nampula,Pemba
Zambia|Zambian|Lusaka,Ndola,Kitwe
Zimbabwe|Zimbabwean|Harare,Bulawayo,Mutare
Malawi|Malawian|Lilongwe,Blantyre,Mzuzu
Madagascar|Malagasy|Antananarivo,Toamasina,Mahajanga
South Africa|South African|Pretoria,Johannesburg,Cape Town,Durban,Gqeberha,Bloemfontein
Namibia|Namibian|Windhoek,Walvis Bay
Botswana|Botswana|Gaborone,Francistown,Maun
Britain|British|London,Manchester,Birmingham,Glasgow,Edinburgh,Cardiff,Belfast,Leeds,Bristol
Ireland|Irish|Dublin,Cork,Galway,Limerick
France|French|Paris,Marseille,Lyon,Toulouse,Nice,Bordeaux,Lille,Strasbourg,Nantes
Germany|German|Berlin,Munich,Hamburg,Frankfurt,Cologne,Stuttgart,Dresden,Leipzig,Dusseldorf
the Netherlands|Dutch|Amsterdam,Rotterdam,The Hague,Utrecht,Eindhoven
Belgium|Belgian|Brussels,Antwerp,Ghent,Liege
Switzerland|Swiss|Bern,Zurich,Geneva,Basel,Lausanne
Austria|Austrian|Vienna,Graz,Salzburg,Innsbruck,Linz
Italy|Italian|Rome,Milan,Naples,Turin,Florence,Venice,Palermo,Bologna,Genoa
Spain|Spanish|Madrid,Barcelona,Valencia,Seville,Bilbao,Malaga,Zaragoza
Portugal|Portuguese|Lisbon,Porto,Faro,Coimbra
Greece|Greek|Athens,Thessaloniki,Patras,Heraklion
Poland|Polish|Warsaw,Krakow,Gdansk,Wroclaw,Poznan,Lodz
the Czech Republic|Czech|Prague,Brno,Ostrava
Slovakia|Slovak|Bratislava,Kosice
Hungary|Hungarian|Budapest,Debrecen,Szeged
Romania|Romanian|Bucharest,Cluj-Napoca,Constanta,Iasi,Timisoara
Bulgaria|Bulgarian|Sofia,Plovdiv,Varna,Burgas
Serbia|Serbian|Belgrade,Novi Sad,Nis
Croatia|Croatian|Zagreb,Split,Rijeka,Dubrovnik
Bosnia|Bosnian|Sarajevo,Mostar,Banja Luka,Tuzla
Albania|Albanian|Tirana,Durres,Vlore
Kosovo|Kosovar|Pristina,Prizren
Ukraine|Ukrainian|Kyiv,Kharkiv,Odesa,Lviv,Dnipro,Zaporizhzhia,Mykolaiv
Moldova|Moldovan|Chisinau,Balti
Belarus|Belarusian|Minsk,Brest,Gomel
Russia|Russian|Moscow,St Petersburg,Novosibirsk,Kazan,Vladivostok,Yekaterinburg,Sochi
Georgia|Georgian|Tbilisi,Batumi,Kutaisi
Armenia|Armenian|Yerevan,Gyumri
Azerbaijan|Azerbaijani|Baku,Ganja
Lithuania|Lithuanian|Vilnius,Kaunas,Klaipeda
Latvia|Latvian|Riga,Daugavpils
Estonia|Estonian|Tallinn,Tartu,Narva
Finland|Finnish|Helsinki,Tampere,Turku,Oulu
Sweden|Swedish|Stockholm,Gothenburg,Malmo,Uppsala
Norway|Norwegian|Oslo,Bergen,Trondheim,Stavanger,Tromso
Denmark|Danish|Copenhagen,Aarhus,Odense
Iceland|Icelandic|Reykjavik,Akureyri
the United States|U.S.|Washington,New York,Los Angeles,Chicago,Houston,San Francisco,Miami,Seattle
Canada|Canadian|Ottawa,Toronto,Montreal,Vancouver,Calgary,Edmonton,Winnipeg,Halifax
Mexico|Mexican|Mexico City,Guadalajara,Monterrey,Tijuana,Cancun,Puebla,Acapulco
Guatemala|Guatemalan|Guatemala City,Quetzaltenango
Honduras|Honduran|Tegucigalpa,San Pedro Sula
El Salvador|Salvadoran|San Salvador,Santa Ana
Nicaragua|Nicaraguan|Managua,Leon
Costa Rica|Costa Rican|San Jose,Limon
Panama|Panamanian|Panama City,Colon
Cuba|Cuban|Havana,Santiago de Cuba,Camaguey
Haiti|Haitian|Port-au-Prince,Cap-Haitien,Les Cayes
the Dominican Republic|Dominican|Santo Domingo,Punta Cana
Jamaica|Jamaican|Kingston,Montego Bay
Colombia|Colombian|Bogota,Medellin,Cali,Cartagena,Barranquilla
Venezuela|Venezuelan|Caracas,Maracaibo,Valencia,Barquisimeto
Ecuador|Ecuadorean|Quito,Guayaquil,Cuenca,Manta
Peru|Peruvian|Lima,Arequipa,Cusco,Trujillo,Iquitos
Bolivia|Bolivian|La Paz,Santa Cruz,Cochabamba,Sucre
Brazil|Brazilian|Brasilia,Sao Paulo,Rio de Janeiro,Salvador,Belo Horizonte,Manaus,Recife
Paraguay|Paraguayan|Asuncion,Ciudad del Este
Uruguay|Uruguayan|Montevideo,Punta del Este
Argentina|Argentine|Buenos Aires,Cordoba,Rosario,Mar del Plata,Ushuaia
Chile|Chilean|Santiago,Valparaiso,Concepcion,Antofagasta
"""


def _words(text: str) -> list[str]:
    return text.split()


def _countries(table: str) -> list[Country]:
    out = []
    for line in table.splitlines():
        name, adj, cities = line.split("|")
        article = name.startswith("the ")
        out.append(Country(name.removeprefix("the "), adj, tuple(cities.split(",")), article))
    return out


ALL_COUNTRIES = _countries(_COUNTRY_TABLE)
# The farm stands in for a desk's outlets (Japan, Korea, the Indo-Pacific): their countries
# come up six times as often as others (about 45 % of items between them).
FOCUS = {
    "Japan", "South Korea", "China", "Taiwan", "Vietnam", "Thailand", "Malaysia", "Singapore",
    "Indonesia", "Philippines", "Australia", "New Zealand", "India", "Pakistan",
    "United States", "Canada",
}  # fmt: skip
COUNTRY_WEIGHTS = [6 if c.name in FOCUS else 1 for c in ALL_COUNTRIES]
COUNTRIES = [c.name for c in ALL_COUNTRIES]
CITIES = [city for c in ALL_COUNTRIES for city in c.cities]

FIRST = _words("""
Aiko Akira Haruto Yuki Kenji Sakura Ren Yui Daichi Emi Min-jun Ji-woo Seo-yeon Do-hyun Ha-eun
Jae-won Soo-ah Tae-yang Wei Xiaoling Jianguo Hui Yifan Zhen Lan Rahul Priya Arjun Ananya Vikram
Sunita Rohan Kavya Amit Deepa Sanjay Meera Minh Thanh Linh Duc Hoa Somchai Niran Ploy Kittisak
Siti Budi Agus Dewi Rizal Nurul Farid Aminah Maria Jose Ramon Liza Paolo Omar Layla Ahmed Fatima
Youssef Khalid Nour Hassan Rania Tariq Samira Karim Reza Maryam Dariush Elif Mehmet Ayse Emre
Zeynep Chinedu Amara Kwame Ngozi Tendai Wanjiru Kofi Thabo Zanele Moussa Aminata Abebe Halima
Juma Folake Sipho Nomvula Ibrahim Grace Tsegaye Sarah Liam Chloe Daniel Elena Tomas Anna Lukas
Sophie Marco Giulia Pierre Camille Javier Lucia Pedro Ines Katarzyna Piotr Olga Dmitri Irina
Oleksandr Yulia Nikos Eleni Lars Ingrid Mikael Freya Sean Aoife Hannah James Emily Oliver
Charlotte Matteo Francesca Jan Petra Andrei Mihai Bogdan Vesna Carlos Ana Diego Valentina Luis
Gabriela Mateo Camila Joao Fernanda Rafael Beatriz Michael Jennifer David Jessica Robert Ashley
Marcus Keisha Tyler Megan Noah Isabel Hiroshi Naoko Sung-min Eun-ji Tuan Ayumi
""")
LAST = _words("""
Tanaka Sato Suzuki Takahashi Watanabe Yamamoto Nakamura Kobayashi Kato Yoshida Yamada Sasaki
Matsumoto Inoue Kimura Hayashi Shimizu Mori Ikeda Hashimoto Ishikawa Ogawa Fujita Okada Lee Park
Choi Jung Kang Cho Jang Lim Han Seo Shin Kwon Hwang Ahn Song Hong Wang Zhang Liu Chen Yang Huang
Zhao Zhou Xu Sun Zhu Guo Lin Gao Luo Nguyen Tran Pham Hoang Phan Dang Srisuk Wongsakul Thongchai
Santoso Wijaya Hidayat Rahman Abdullah Ismail Hamzah Halim Santos Reyes Cruz Bautista
Aquino Sharma Patel Singh Iyer Rao Gupta Reddy Nair Khan Chaudhry Qureshi Hossain Perera Fernando
Bhattarai Haddad Khoury Mansour Nasser Aziz Hamdan Darwish Karimi Tehrani Hosseini Yilmaz Demir
Kaya Sahin Ozturk Levi Cohen Mizrahi Okafor Adeyemi Mensah Osei Kamau Otieno Mwangi Ndlovu
Dlamini Nkosi Diallo Traore Keita Toure Banda Phiri Moyo Tesfaye Bekele Haile Abdi Warsame Eze
Nwosu Achieng Novak Walker Murphy Dubois Schmidt Rossi Muller Fischer Weber Becker Bernard Moreau
Laurent Fernandez Lopez Martinez Sanchez Romero Silva Costa Ferreira Oliveira Kowalski Nowak
Wisniewski Ivanov Petrov Smirnov Kovalenko Shevchenko Bondarenko Papadopoulos Georgiou Johansson
Andersson Nilsson Larsen Hansen Jensen Virtanen Korhonen O'Brien Byrne Kelly Evans Hughes Clarke
Wright Taylor Brown Wilson Thompson Bianchi Ricci Esposito Horvat Popescu Ionescu Dimitrov Kovacs
Nagy Szabo Novotny Svoboda Gonzalez Rodriguez Hernandez Ramirez Torres Flores Rivera Gomez Diaz
Vargas Castillo Morales Pereira Souza Almeida Carvalho Johnson Williams Miller Davis Anderson
Jackson Harris Robinson Lewis Young Allen Campbell Stewart Tremblay Gagnon Bouchard Okonkwo
""")
# Offices for "{leader}" (head of government) and "{minister}".
HEADS = ["President", "Prime Minister", "President", "Prime Minister", "Chancellor", "Premier"]
MINISTERS = [
    "Finance Minister", "Foreign Minister", "Defence Minister", "Health Minister",
    "Trade Minister", "Interior Minister", "Energy Minister", "Economy Minister",
    "Justice Minister", "Labour Minister", "Transport Minister", "Agriculture Minister",
    "Environment Minister", "Education Minister", "Tourism Minister", "Digital Minister",
    "Deputy Prime Minister", "Industry Minister", "Housing Minister", "Migration Minister",
]  # fmt: skip
# Institutions: "Brazil's central bank", "the election commission".
SUBJECTS = [
    "central bank", "finance ministry", "foreign ministry", "defence ministry", "health ministry",
    "trade ministry", "interior ministry", "energy ministry", "education ministry",
    "labour ministry", "transport ministry", "agriculture ministry", "environment ministry",
    "justice ministry", "supreme court", "constitutional court", "high court",
    "election commission", "competition regulator", "securities regulator", "banking regulator",
    "data protection authority", "aviation authority", "food safety agency", "weather agency",
    "disaster management agency", "coast guard", "navy", "air force", "army", "border police",
    "national police", "anti-corruption agency", "statistics office", "tax authority",
    "state broadcaster", "parliament", "senate", "lower house", "ruling party",
    "main opposition party", "ruling coalition", "trade union federation",
    "employers' federation", "farmers' union", "teachers' union", "medical association",
    "bar association", "chamber of commerce", "stock exchange", "sovereign wealth fund",
    "state oil company", "national railway", "postal service", "space agency",
    "nuclear regulator", "prosecutors' office", "audit office", "human rights commission",
    "port authority", "water utility", "grid operator", "national carrier", "pension fund",
    "consumer protection agency", "wildlife service", "fire service", "ombudsman",
    "drug regulator", "disease control agency", "health insurance fund", "digital ministry",
    "telecoms regulator", "cyber security agency", "culture ministry", "tourism board",
    "national museum", "football federation", "olympic committee",
]  # fmt: skip
# The institutions a desk's stories mostly name ("{org}"); other ones now and then.
DESK_ORGS: dict[str, list[str]] = {
    "economy": ["central bank", "finance ministry", "statistics office", "trade ministry",
                "tax authority", "pension fund", "chamber of commerce", "stock exchange"],
    "business": ["competition regulator", "securities regulator", "trade ministry",
                 "stock exchange", "consumer protection agency", "employers' federation",
                 "trade union federation", "chamber of commerce"],
    "politics": ["election commission", "parliament", "senate", "lower house", "ruling party",
                 "main opposition party", "ruling coalition", "constitutional court",
                 "anti-corruption agency"],
    "security": ["defence ministry", "foreign ministry", "navy", "air force", "army",
                 "coast guard", "border police", "interior ministry"],
    "disaster": ["weather agency", "disaster management agency", "fire service",
                 "environment ministry", "coast guard", "water utility", "grid operator",
                 "nuclear regulator"],
    "health": ["health ministry", "medical association", "food safety agency", "drug regulator",
               "disease control agency", "health insurance fund"],
    "courts": ["supreme court", "high court", "national police", "prosecutors' office",
               "justice ministry", "bar association", "human rights commission", "ombudsman"],
    "tech": ["data protection authority", "space agency", "digital ministry",
             "telecoms regulator", "competition regulator", "cyber security agency"],
    "culture": ["culture ministry", "tourism board", "national museum", "football federation",
                "olympic committee", "port authority"],
}  # fmt: skip
# Invented companies: a stem and a sector (suffix|what it is|what it makes).
STEMS = _words("""
Arkon Norvik Solenne Tavira Kestrel Mirano Velora Quintal Brightwater Halden Ostara Pelican
Ravenna Sundara Tamsin Ulvik Verano Wexley Yarrow Zenith Alder Bellwood Corvane Dunmore Elstra
Fenwick Galveston Harbor Ionis Jasper Kaimon Lumen Meridia Nexa Orion Paragon Qualis Rennick
Sable Torvald Umbra Vantor Westmark Xandor Yukon Zephyr Amberly Castella Delmar Everline Falkon
Granitas Hollis Ironbridge Juniper Kobalt Larkspur Monarch Northgate Oakridge Pinnacle Redstone
Silverline Tidewater Unison Vireo Whitcombe Aoba Hanul Sakuragi Tianhe Mekong Garuda Baobab
""")
_SECTOR_TABLE = """\
Motors|carmaker|electric vehicles,hybrid cars,pickup trucks,delivery vans
Semiconductor|chipmaker|memory chips,AI processors,power chips,image sensors
Airlines|airline|regional flights,long-haul routes,cargo flights
Pharma|drugmaker|cancer drugs,vaccines,generic medicines,diabetes treatments
Telecom|telecoms operator|5G services,fibre broadband,mobile plans
Bank|lender|home loans,small business loans,credit cards
Shipping|shipping line|container ships,bulk carriers,car carriers
Foods|food group|instant noodles,frozen meals,infant formula,snack foods
Steel|steelmaker|hot-rolled steel,steel plates,rebar
Energy|energy company|offshore wind farms,gas-fired plants,solar farms,LNG cargoes
Mining|miner|copper concentrate,lithium,nickel ore,iron ore
Chemicals|chemicals maker|fertiliser,plastics,industrial solvents
Retail|retailer|supermarkets,convenience stores,department stores
Insurance|insurer|life policies,crop insurance,car insurance
Electronics|electronics maker|smartphones,televisions,laptops,air conditioners
Logistics|logistics firm|warehouses,parcel deliveries,cold-chain trucks
Robotics|robot maker|factory robots,warehouse robots,surgical robots
Games|game developer|mobile games,console titles,online games
Construction|builder|bridges,apartment towers,rail lines,dams
Textiles|garment maker|sportswear,school uniforms,denim
Biotech|biotech firm|gene therapies,diagnostic kits,antibody treatments
Software|software company|payroll software,cloud services,cybersecurity tools
Media|media group|streaming services,newspapers,radio stations
Brewing|brewer|beer,soft drinks,bottled water
Aerospace|aircraft maker|regional jets,drones,helicopters
"""


@dataclass(frozen=True)
class Sector:
    suffix: str
    noun: str
    products: tuple[str, ...]


SECTORS = [
    Sector(s, n, tuple(p.split(",")))
    for s, n, p in (line.split("|") for line in _SECTOR_TABLE.splitlines())
]
PARTIES = [
    "People's Democratic Party", "National Unity Party", "Progressive Alliance",
    "Social Democratic Party", "Green Party", "Labour Party", "Conservative Party", "Reform Party",
    "Freedom Party", "Civic Platform", "New Centre Party", "Workers' Party", "Liberal Party",
    "Farmers' Party", "Citizens' Movement", "Christian Democratic Union", "Renewal Party",
]  # fmt: skip
STORMS = _words("""
Amara Bolaven Chanthu Dianmu Etau Fengshen Gaemi Haishen Inga Jelawat Kalmaegi Lekima Mirinae
Nida Omais Prapiroon Rai Sanba Tembin Usagi Vamco Wutip Yagi Ampil Bebinca Cimaron Danas Ewiniar
""")
SEAS = [
    "the Black Sea", "the Baltic Sea", "the Red Sea", "the eastern Mediterranean",
    "the Arabian Sea", "the Gulf of Aden", "the Strait of Hormuz", "the Andaman Sea",
    "the Caribbean", "the Gulf of Guinea", "the Celebes Sea", "the Coral Sea", "the North Sea",
    "the Aegean", "the Bay of Bengal", "the Gulf of Thailand", "the Barents Sea",
]  # fmt: skip
MONTHS = _words(
    "January February March April May June July August September October November December"
)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FIELDS = [
    "economics", "political science", "public health", "international relations", "law",
    "climate science", "seismology", "sociology", "history", "energy policy", "security studies",
    "demography", "urban planning", "epidemiology", "computer science", "marine biology",
]  # fmt: skip

# Topics by desk: noun phrases that read right after "over", "on", "amid" or "about".
# `theme_queries` watches them, so they are the words a desk would put in a rule.
DESK_TOPICS: dict[str, list[str]] = {
    "economy": [
        "inflation", "interest rates", "wage growth", "consumer prices", "rice prices",
        "fuel prices", "food prices", "housing costs", "rents", "bond yields", "public debt",
        "the budget deficit", "tax cuts", "a sales tax increase", "pension reform",
        "the minimum wage", "unemployment", "youth unemployment", "household debt",
        "retail sales", "factory output", "foreign investment", "tourism revenue",
        "remittances", "energy subsidies", "a credit downgrade", "the trade surplus",
        "capital controls", "a currency peg", "farm subsidies", "import tariffs",
    ],
    "business": [
        "chip exports", "semiconductor supply", "electric vehicle sales", "battery plants",
        "job cuts", "a profit warning", "share buybacks", "merger talks", "a takeover bid",
        "antitrust fines", "product recalls", "a pay dispute", "supply chain delays",
        "shipping rates", "port congestion", "jet fuel costs", "steel tariffs", "rare earths",
        "lithium mining", "copper prices", "crude output", "LNG imports", "solar panel imports",
        "AI chips", "cloud spending", "executive pay", "accounting irregularities",
        "a bond default", "plant closures", "state aid", "dividend cuts",
    ],
    "politics": [
        "election fraud claims", "voter turnout", "a snap election", "a no-confidence vote",
        "a cabinet reshuffle", "coalition talks", "constitutional reform", "campaign finance",
        "corruption charges", "press freedom", "protest laws", "judicial reform",
        "presidential term limits", "local elections", "a referendum", "party leadership",
        "impeachment proceedings", "internet shutdowns", "political donations",
        "lobbying rules", "electoral reform", "the voting age", "a foreign agents law",
        "civil service cuts", "a new capital city", "opposition arrests",
    ],
    "security": [
        "military drills", "border clashes", "arms sales", "defence spending",
        "naval patrols", "airspace violations", "drone strikes", "peacekeeping", "a ceasefire",
        "hostage talks", "a prisoner swap", "sanctions", "refugee arrivals", "migrant boats",
        "visa rules", "fishing rights", "territorial claims", "maritime security",
        "counterterrorism", "troop deployments", "military aid", "landmines", "nuclear talks",
        "arms control", "espionage charges", "conscription", "weapons smuggling",
    ],
    "disaster": [
        "typhoon damage", "flooding", "landslides", "drought", "wildfires", "heatwave deaths",
        "earthquake relief", "volcanic activity", "air pollution", "water shortages",
        "crop failures", "locust swarms", "coral bleaching", "deforestation", "plastic waste",
        "carbon emissions", "coal power", "renewable energy", "a nuclear plant restart",
        "nuclear waste", "climate targets", "coastal erosion", "power outages", "glacier melt",
        "river pollution", "illegal logging", "storm warnings",
    ],
    "health": [
        "bird flu", "dengue fever", "measles cases", "a cholera outbreak",
        "hospital waiting times", "doctor shortages", "a nurses' strike", "drug prices",
        "vaccine supplies", "mental health services", "obesity rates", "a smoking ban",
        "heatstroke cases", "elderly care", "falling birth rates", "fertility treatment",
        "antibiotic resistance", "food poisoning", "medical fees", "vaping",
        "cancer screening", "malaria", "tuberculosis", "organ donation",
    ],
    "courts": [
        "gun violence", "drug trafficking", "human trafficking", "gang violence",
        "police misconduct", "prison overcrowding", "the death penalty", "investment fraud",
        "online harassment", "hate crimes", "school bullying", "childcare places",
        "university fees", "teacher shortages", "homelessness", "road deaths", "rail safety",
        "same-sex marriage", "gender pay gaps", "foreign workers", "land rights",
        "indigenous rights", "juvenile crime", "phone scams", "money laundering",
    ],
    "tech": [
        "AI regulation", "facial recognition", "satellite internet", "a moon mission",
        "space debris", "quantum computing", "5G networks", "undersea cables", "data centres",
        "chip subsidies", "social media rules", "age verification", "online gambling",
        "self-driving cars", "robotaxi services", "smartphone sales", "e-commerce",
        "digital payments", "a digital currency", "ransomware", "data privacy", "deepfakes",
        "cyber attacks", "app store fees", "online scams",
    ],
    "culture": [
        "tourist numbers", "overtourism", "flight cancellations", "high-speed rail",
        "airport expansion", "taxi fares", "cruise ship visits", "museum funding",
        "film subsidies", "concert ticket prices", "World Cup qualifiers",
        "Olympic preparations", "stadium construction", "doping rules", "broadcast rights",
        "heritage sites", "looted artefacts", "book bans", "street food", "public holidays",
        "night trains", "short-term rentals",
    ],
}  # fmt: skip
TOPICS = [t for desk in DESK_TOPICS.values() for t in desk]
DESKS = list(DESK_TOPICS)
# How often each desk writes (shares of the feed).
DESK_WEIGHTS = [14, 13, 14, 13, 11, 9, 10, 8, 8]

# Headlines by desk. Slots are drawn once per item ("{country}" is the same country in the
# title and the teaser; "{country2}" another one); "[a|b]" picks a variant.
HEADLINES: dict[str, list[str]] = {
    "economy": [
        "{country_s} central bank [holds rates at|raises key rate to|cuts benchmark rate to] "
        "{rate}%",
        "{adj} [inflation|consumer price growth] [quickens|accelerates|climbs] to {pct}% in "
        "{month}",
        "{adj} inflation [eases|slows|cools] to {pct}%, [lowest|weakest] since {past}",
        "{adj} economy [grows|expands] {pct}% in {quarter} quarter, [beating|missing] forecasts",
        "{adj} economy [shrinks|contracts] unexpectedly, [hit by|dragged down by] {topic}",
        "{country} posts [record|surprise|wider|narrower] trade [deficit|surplus] in {month}",
        "[Jobless rate|Unemployment] in {country} [rises|climbs|falls|dips] to {pct}%",
        "{minister} [vows|promises] action on {topic} ahead of {month} budget",
        "{country} [unveils|announces] {money} package to [ease|tackle|cushion] {topic}",
        "{adj} [currency|bonds|stocks] [slide|tumble|rally|rebound] as investors [weigh|digest] "
        "{topic}",
        "[Analysis|Insight]: {topic} [becomes|emerges as] [flashpoint|test] for {leader}",
        "{city} rents hit record [high|level], adding to [pressure|anger] over {topic}",
        "{country} [scraps|delays|revives] plan for {topic} after [backlash|criticism|protests]",
        "[Shoppers|Savers|Pensioners] in {city} [feel the pinch|cut back] amid {topic}",
    ],
    "business": [
        "{company} to cut [hundreds of|thousands of|{count}] jobs, [blaming|citing] {topic}",
        "{company} shares [jump|surge|sink|slump] after {quarter}-quarter [results|update]",
        "{company} agrees {money} [takeover|purchase] of {adj2} rival {company2}",
        "{adj} regulator fines {company} {money} over {topic}",
        "{company} recalls {product} over [fire risk|faulty brakes|software fault|contamination "
        "fears|labelling errors]",
        "{company} picks {city} for {money} {product} [plant|factory|hub]",
        "Workers at {company} {city} [plant|site] vote to strike over [pay|pensions|job cuts]",
        "{company} chief {person} to step down [after|following] [boardroom row|weak "
        "results|{small} years]",
        "Exclusive: {company} [in talks|weighs plan] to sell {adj2} unit, sources say",
        "{adj} {maker} {company} [raises|cuts] [annual|full-year] outlook on {topic}",
        "{company} and {company2} [to merge|end merger talks|form joint venture]",
        "[Why|How] {topic} {topic_is} reshaping {country_s} {maker}s",
        "{company} [bets on|pivots to|doubles down on] {product} as demand [slows|shifts]",
        "[Activist investor|Founder|Largest shareholder] [pushes|sues] {company} over {topic}",
    ],
    "politics": [
        "{leader} calls [snap|early] election for {month} {daynum}",
        "{adj} opposition leader {person} [arrested|charged|cleared|questioned] over {topic}",
        "[Thousands|Tens of thousands] march in {city} [against|over] {topic}",
        "{country_s} parliament [passes|rejects|delays] bill on {topic}",
        "{leader} survives no-confidence vote [in|by] [narrow margin|parliament]",
        "{leader} [reshuffles|overhauls] cabinet, names {person} {ministry} minister",
        "{party} [wins|loses|holds] {city} mayoral race in [blow|boost] to {leader}",
        "Poll: {party} [leads|trails] in {country} ahead of {month} vote",
        "{adj} court [blocks|suspends|upholds] [rules|measures|decree] on {topic}",
        "{leader} [faces|fends off] revolt in {party} over {topic}",
        "{adj} president [vetoes|signs] bill on {topic} after [weeks|months] of protest",
        "[Explainer|Factbox]: who is {person}, {country_s} new {ministry} minister?",
        "{adj} [ruling|governing] coalition [splits|wobbles|holds] over {topic}",
        "[Former|Ousted] {ministry} minister {last} [launches|announces] bid for "
        "[presidency|party leadership]",
    ],
    "security": [
        "{country} and {country2} [agree|pledge] to [expand|deepen] cooperation on {topic}",
        "{country} summons {adj2} [envoy|ambassador] over {topic}",
        "Soldiers killed in [clash|ambush|attack] near {adj} town of {city}",
        "{country} to buy [fighter jets|helicopters|frigates|air defence systems|patrol boats] "
        "from {country2}",
        "{leader} arrives in {capital2} for talks on {topic}",
        "{country} expels {adj2} diplomats [over|amid] {topic}",
        "{adj} navy [tracks|shadows|warns off] {adj2} vessels in {sea}",
        "[Ceasefire|Peace] talks in {capital2} [stall|resume|collapse] over {topic}",
        "{country} [extends|lifts|imposes] [curfew|state of emergency] in {direction} region",
        "{adj} [drone|rocket|artillery] strike [hits|damages] {city} [depot|port|power plant]",
        "{minister} [rules out|signals] [change|shift] on {topic}",
        "{country} [recalls|restores] envoy to {country2} [after|amid] row over {topic}",
        "[Gunmen|Militants|Rebels] [seize|attack|storm] [police post|village|border crossing] in "
        "{direction} {country}",
    ],
    "disaster": [
        "Typhoon {storm} [batters|lashes|slams into] {city}, [thousands|{count}] evacuated",
        "Magnitude {mag} quake [strikes|hits|jolts] {direction} {country}; [no tsunami "
        "warning|buildings damaged|dozens injured]",
        "Floods kill at least {small} in {direction} {country}",
        "{direction_cap} {country} [swelters|bakes] as temperatures hit {temp}C",
        "Wildfire near {city} forces [thousands|residents|villagers] [from their homes|to flee]",
        "{country} declares [emergency|disaster] over {topic}",
        "Landslide [buries|destroys] homes in {direction} {country}; [dozens|many] missing",
        "{country} to close coal plants by {year} under climate [plan|pledge]",
        "Drought forces {city} to ration [water|electricity]",
        "Volcano near {city} erupts, [sending ash|forcing evacuations|closing airport]",
        "{adj} [farmers|fishermen|growers] count cost of {topic}",
        "[Heavy rain|Storm surge|Flash flooding] [cuts off|swamps|paralyses] {city}",
        "{city} [braces for|escapes worst of] Typhoon {storm}",
    ],
    "health": [
        "{country} reports [new|more|first] [cases|deaths] from {disease}",
        "[Doctors|Nurses|Junior doctors] in {country} strike over [pay|staffing|{topic}]",
        "{city} hospitals [stretched|overwhelmed] as {disease} cases [surge|climb]",
        "{adj} regulator [approves|rejects] {company} [drug|treatment|vaccine] for {condition}",
        "Study links [night shifts|air pollution|ultra-processed food|loneliness] to {condition}",
        "{country} to ban [flavoured vapes|energy drinks|junk food ads] for under-{age}s",
        "{country} [launches|expands] [free|national] [screening|vaccination] [drive|programme]",
        "[Ageing|Shrinking] {country} [struggles with|faces] {topic}",
        "{adj} [scientists|researchers] [report|hail] [progress|breakthrough] on {condition}",
        "{disease} [spreads|surges] in {direction} {country} [after|amid] [floods|rains|heat]",
    ],
    "courts": [
        "Police in {city} arrest [suspects|gang members|officials] [over|in connection with] "
        "{crime}",
        "{adj} court jails former {ministry} minister {last} for {crime}",
        "Train [derails|crash] near {city}, [dozens|several|many] [injured|dead]",
        "Bus crash kills [passengers|pilgrims|students] on highway in {direction} {country}",
        "{adj} court orders [state|government] to [compensate|apologise to] victims of {topic}",
        "{country} [lowers|raises] age of criminal responsibility to {age}",
        "Trial opens in {city} of [businessman|former mayor|ex-general] accused of {crime}",
        "{country} [legalises|bans|restricts] {vice}",
        "Inquiry finds {city} [police|officials|council] failed victims of {topic}",
        "[Top court|Supreme court] in {country} [rules on|hears challenge over] {topic}",
        "{person} [sentenced|acquitted|freed] in {city} [{crime} case|{crime} trial]",
    ],
    "tech": [
        "{company} [unveils|launches] {product} to [rival|challenge] {company2}",
        "{country} passes law [requiring|banning] {tech_rule}",
        "{adj} space agency [delays|completes|plans] [moon mission|satellite launch|Mars probe]",
        "Outage [hits|disrupts] {company} services across {country}",
        "Hackers [breach|target] {adj} {org}, [exposing|stealing] [millions of records|personal "
        "data]",
        "{country} [fines|investigates|sues] {company} over {topic}",
        "[Startups|Engineers|Investors] [flock to|leave] {city} amid [boom in|fears over] {topic}",
        "{adj} [court|regulator] [orders|rejects] limits on {topic}",
        "{company} [opens|scraps plan for] {city} [data centre|research lab|chip plant]",
    ],
    "culture": [
        "{city} marathon draws record field",
        "{adj} film [wins|takes] top prize at {city} film festival",
        "{country} [beat|edge|hold] {country2} {score} in {tournament}",
        "Tourist arrivals in {country} [jump|rise|fall] {pctint}% in {month}",
        "{city} to charge [day-trippers|visitors|cruise passengers] {cash} entry fee",
        "Museum in {city} returns looted [artefacts|bronzes|manuscripts] to {country2}",
        "{city} [bans|caps|restricts] [short-term rentals|tour buses|new hotels]",
        "{adj} [novelist|director|singer|chef] {person} [dies at|wins award at] {oldage}",
        "{country} [names|sacks] {person} as [national team|head] coach",
        "[Crowds|Fans|Tourists] [flock to|return to|shun] {city} despite [row|worry] over {topic}",
    ],
    # any desk: "{topic}" is the desk's topic
    "any": [
        "Explainer: what is at stake for {country} in [the row|the fight] over {topic}",
        "Opinion: {country} cannot keep ignoring {topic}",
        "{leader} [pledges|promises] to tackle {topic} [within months|this year|by {year}]",
        "In {city}, [families|farmers|small firms|students] struggle with {topic}",
        "{country_s} {org} [orders|opens|launches] [inquiry|review|investigation] into {topic}",
        "{country} and {country2} at odds over {topic}",
        "Q&A: {person} on {topic} and the road to {year}",
        "[Five|Three|Four] things to know about {country_s} plan for {topic}",
        "[Fact check|Fact-check]: [viral|misleading] claims about {topic} in {country}",
        "{adj} lawmakers [clash|spar] over {topic} bill",
        "[Residents|Shopkeepers|Parents] in {city} [push back|protest] over {topic}",
        "{country} [to review|tightens|relaxes] rules on {topic}",
        "[Live|Latest]: {topic} in {country}",
        "{adj} [watchdog|auditor|ombudsman] [faults|clears] {org} over {topic}",
    ],
}  # fmt: skip

# Teaser sentences: about half come from the desk's own list, the rest from any list.
SENTENCES: dict[str, list[str]] = {
    "any": [
        "{speaker} said {when} that {topic} could [worsen|ease|persist|drag on] "
        "[until|beyond|well into] {year}.",
        "[About|Nearly|More than|Roughly] {count} people [were affected|have been affected|could "
        "be hit] in {city} and [nearby|surrounding] [towns|districts|provinces].",
        "{person} told [reporters|lawmakers|state television|a radio station] {when} that the "
        "{org} had [not been consulted|been kept in the dark|raised objections].",
        "Critics [say|argue|warn] the [plan|measure|proposal|bill] does [little|nothing] to "
        "[address|fix|tackle] {topic2}.",
        "[A spokesperson for|An official at|Representatives of] [the|{country_s}] {org} [declined "
        "to comment|could not be reached|did not return calls].",
        "The [move|decision|step] follows [months|weeks|years] of [pressure|lobbying|campaigning] "
        "[from|by] [unions|business groups|residents|lawmakers|activists|farmers] in {city}.",
        "{speaker} [called it|described it as|dismissed it as|praised it as] [premature|long "
        "overdue|a political gamble|a welcome step|unworkable|symbolic at best|a turning point|a "
        "test for the government].",
        "{adj} [media|broadcasters|newspapers] reported that [dozens of|hundreds of|several] "
        "people had been [detained|questioned|hurt|evacuated] in {city}.",
        "[Talks are|Negotiations are|A follow-up meeting is] [expected|scheduled|due] [to "
        "resume|to take place] in {city2} [next week|in {month}|later this month|before the end "
        "of the year].",
        "Opposition [lawmakers|parties|leaders] in {country} [have demanded|are calling for|want] "
        "a full [inquiry|investigation|public hearing] into {topic}.",
        "[The|{country_s}] {org} said it would [publish|release|present] [its findings|a "
        "report|details] [by|in|before] {month}.",
        "[Similar|Comparable|Stricter] [rules|measures|steps] [were introduced|took effect|were "
        "adopted] in {country2} in {past}.",
        "Residents of {city} have [long|repeatedly|for years] [complained about|protested "
        "over|petitioned officials over] {topic}.",
        "It was not [immediately|yet] clear how the [measures|plan|changes|programme] would be "
        "[funded|enforced|paid for].",
        "The [government|cabinet|ruling coalition] has [set aside|earmarked|pledged] {money} for "
        "the [programme|scheme|effort|clean-up].",
        "[In a {firm} poll|In a survey in {month}], {pctint2}% of "
        "[voters|residents|adults|respondents] [named|ranked] {topic} as a [top|major|pressing] "
        "[concern|worry|issue].",
        "[Analysts|Economists|Observers|Diplomats] [expect|believe] {topic} will [remain|stay] "
        "[in focus|a headache|a risk|on the agenda] [through|until] {year}.",
        "{last} [added|noted|stressed] that {topic2} remained a [concern|priority|sticking point].",
        "[Officials|Authorities|Police] in {city} [said|warned|confirmed] {when} that "
        "[more|further] [steps|measures|arrests|checks] [may|could|would] follow.",
        "{last} is [due|expected|set] to [visit|travel to|host counterparts in] {capital2} [next "
        "month|later this year|in {month}].",
        "[The|The latest|This week's] [report|decision|announcement] [comes|came] amid "
        "[growing|renewed|mounting] [concern|debate|frustration] over {topic2} in {country}.",
        "[It|This] is the [first|second|third|biggest|largest] such [move|case|step|incident] "
        "[since|in {country} since] {past}.",
        "{country} [has|had] [struggled|tried] [for years|for decades|since {past}] to "
        "[contain|resolve|deal with] {topic}.",
        "[Local|Regional|Provincial] [leaders|officials|governors] in {direction} {country} "
        "[welcomed|criticised|questioned] the [plan|announcement|decision].",
        "The [issue|question|matter] is [likely|expected|set] to [dominate|feature at|overshadow] "
        "a meeting of [regional|G20|African Union|EU|Pacific] [leaders|ministers] in {city2}.",
        "{speaker} [said|argued|wrote] that the [government|authorities] had "
        "[underestimated|ignored|mishandled] {topic}.",
        "[Supporters|Defenders|Backers] of the [plan|bill|policy] say it will "
        "[save|create|protect] [jobs|money|lives] [in the long run|over time].",
        "[Markets|Investors|Traders] in {city} [shrugged off|reacted calmly to|were rattled by] "
        "the [news|announcement].",
        "[Several|Two|Three] [ministers|lawmakers|officials] [resigned|stepped down|were "
        "suspended] over [the affair|the scandal|{topic}] [last year|in {past}].",
        "{country2} has also [faced|wrestled with] [questions|rows|protests] over {topic} [for "
        "years|since {past}|in recent months].",
        "The [row|debate|dispute] over {topic} has [simmered|intensified|dragged on] [for "
        "months|since {past}|since {month}].",
        "{topic} {topic_has} been a [central|key|recurring] [theme|issue] [of|in] [the "
        "campaign|parliamentary debate|{leader_last}'s speeches].",
        "[Campaigners|Activists|Charities] say [the poorest|rural areas|young people|migrants] "
        "[are|have been] hit hardest by {topic}.",
        "{speaker} [said|warned] {topic} [could|would|might] [cost|hit|undermine] "
        "[jobs|growth|public trust] [in {country}|across the region].",
    ],
    "economy": [
        "Economists [polled by {media}|surveyed beforehand|in a {media} poll] had "
        "[expected|forecast|pencilled in] {pct}%.",
        "The {adj} [currency|stock index|benchmark bond yield] [weakened|firmed|slipped|edged up] "
        "after the [data|release|announcement].",
        "[Core|Underlying] inflation, [which excludes|stripping out] [food and energy|volatile "
        "items], [stood at|rose to|eased to] {pct2}%.",
        "[The|{country_s}] central bank [next meets|will next meet|is due to meet] in {month}, "
        "and [markets|traders|analysts] [expect|see|are pricing in] [another hike|a cut|no "
        "change].",
        "[Growth|Output] [averaged|was|came in at] {pct2}% [last year|in {past}], "
        "[official|government] data [show|showed].",
        "{minister} said [borrowing|spending|the deficit] would [fall|stay|remain] below {pct2}% "
        "of [GDP|economic output].",
        "[Pressure from|The rise in|Worry over] {topic2} has [squeezed|hurt|strained] "
        "[households|small businesses|exporters] in {city}.",
        "[Exporters|Manufacturers|Retailers] in {city} [report|describe] [weaker orders|thinner "
        "margins|a slow recovery|patchy demand].",
        "The [government|{org}] [revised|cut|raised] its growth forecast for next year to {pct2}%.",
        "[Wages|Pay] [rose|grew|increased] {pct2}% [in real terms|before inflation|from a year "
        "earlier].",
        "{minister} [blamed|pinned] [the slowdown|the figures|the jump] on {topic}.",
        "[Investors|Economists|Traders] are watching {topic} closely [ahead of|before] the "
        "{org}'s {month} [meeting|decision|review].",
    ],
    "business": [
        "The company [employs|has] [about|roughly|some] {count} [staff|workers|people] "
        "[worldwide|in {country}|at home and abroad].",
        "{company_short} [expects|forecasts|now sees] [annual|full-year] [revenue|sales|operating "
        "profit] of [about|around|roughly] {money}.",
        "The [deal|transaction|tie-up] [needs|is subject to|still requires] approval from "
        "[regulators|competition authorities] in {country} and {country2}.",
        "{company_short} shares have [risen|fallen|climbed|slid] [about|nearly|more than] "
        "{pctint2}% this year.",
        "The {maker} [makes|sells|builds|supplies] {product} [for|across|in] "
        "[Asia|Europe|Africa|the Americas|the Middle East].",
        "{person}, {company_short}'s [chief executive|finance chief|chair|president], [said|told "
        "analysts|told investors] [demand|orders|bookings] [remained|stayed] "
        "[strong|weak|patchy|uneven].",
        "[Unions|Worker representatives] at {company_short} [said|warned] they would "
        "[fight|contest|challenge] the [cuts|plan|closure].",
        "{company_short} [has|had] [faced|come under] [pressure|criticism] from "
        "[investors|activist shareholders|customers] over {topic2}.",
        "[Rivals|Competitors] [including|such as] {company2} [have|had] [announced|made|flagged] "
        "similar [cuts|moves|investments].",
        "The [plant|site|facility] in {city} [is expected to|will] [start production|open|begin "
        "operations] in {year}.",
        "{company_short} [blamed|cited] {topic} [for|in] [the slump|its warning|the decision].",
        "[Industry groups|Analysts] say {topic} [could|will|may] [reshape|squeeze|test] the "
        "[sector|industry|market] [in {country}|across the region].",
    ],
    "politics": [
        "The [vote|election|ballot] is [scheduled|expected|set] for {month} {daynum}.",
        "The {party} [won|holds|controls] {small} of the {seats} seats in [parliament|the "
        "assembly|the legislature].",
        "{leader_last} has [denied|rejected|dismissed] the [accusations|allegations|claims] [as "
        "politically motivated|as baseless|outright].",
        "Turnout [was|stood at] {pctint2}%, [the election commission said|officials "
        "said|according to provisional results].",
        "[Protesters|Supporters|Opponents] [gathered|rallied|marched] [outside the {org}|through "
        "central {city}] [late into the night|on {weekday}].",
        "{speaker} said the [result|outcome|crisis] [exposed|reflected|showed] [deep "
        "divisions|voter anger|fatigue] over {topic2}.",
        "[The|A] [bill|motion|proposal] [needs|requires] a [two-thirds|simple] majority to pass.",
        "{leader} [came to power|took office|was elected] in {past} [promising|on a pledge] to "
        "[tackle|fix|end] {topic2}.",
        "[Coalition partners|Allies|Party elders] [have threatened|are threatening|have vowed] to "
        "[quit|walk out|block the bill].",
        "{topic} [{topic_has} dominated|{topic_has} overshadowed|{topic_is} expected to dominate] "
        "the [campaign|session|debate] [in {country}|so far].",
        "{leader_last}'s [critics|rivals] [accuse|have accused] the government of "
        "[ignoring|mishandling|exploiting] {topic}.",
    ],
    "security": [
        "{adj2} officials did not [immediately comment|respond to questions|confirm the report].",
        "The [exercises|drills|patrols] [will involve|involve|include] [about|some|roughly] "
        "{count} troops [and|along with] [warships|aircraft|armoured vehicles].",
        "[The|{country_s}] {org} said [its forces|troops|air defences] had "
        "[repelled|intercepted|shot down] [an attack|several drones|a barrage of rockets] "
        "overnight.",
        "{country} and {country2} have [clashed|sparred|traded accusations] over [the "
        "issue|{topic}] [before|for years|since {past}].",
        "{minister} [called the move|described the incident as] [a provocation|unacceptable|a "
        "serious breach|deeply regrettable].",
        "[Satellite images|Footage|Witnesses] [suggest|showed|indicated] [damage|fires|troop "
        "movements] near {city}.",
        "[Aid groups|The Red Cross|UN agencies] [say|warned] [thousands|tens of thousands] [have "
        "fled|remain displaced|need help] in {direction} areas.",
        "The [agreement|deal|package] [covers|includes] [joint patrols|intelligence "
        "sharing|training|spare parts] [and|as well as] [cyber defence|coastal radar|logistics].",
        "{country} has [long|repeatedly] accused {country2} of [backing|arming|sheltering] "
        "[rebels|militants|smugglers].",
        "{topic} {topic_has} been [high on|near the top of] the agenda [since|after] [the "
        "incident|{month}'s clash|a string of incidents].",
        "[Diplomats|Officials] say {topic} [could|may|will] [come up|feature|be raised] when "
        "{minister} [visits|meets counterparts in] {capital2}.",
    ],
    "disaster": [
        "[The|{country_s}] {org} [warned of|forecast|issued alerts for] [heavy rain|strong "
        "winds|high waves|landslides|storm surges] in {direction} [areas|regions|provinces] "
        "[through|until] {weekday}.",
        "Rescue [teams|workers|crews] [were searching|combed rubble|used boats to search] for "
        "[dozens of|several|{small}] [people|residents|villagers] [still missing|feared "
        "trapped|unaccounted for].",
        "Power was [cut|knocked out|lost] to [about|more than|some] {count} "
        "[homes|households|customers].",
        "[Roads|Rail services|Flights|Schools] [were|remained] [suspended|disrupted|closed] in "
        "{city} and [nearby|surrounding] [districts|towns].",
        "[Scientists|Experts|Researchers] say {topic} [{topic_is} becoming|{topic_has} become] "
        "[more frequent|more severe|harder to predict] [as the climate warms|in the region].",
        "The [quake|storm|fire|flood] [was|is] the [strongest|worst|deadliest|most destructive] "
        "to hit {city} since {past}.",
        "[Farmers|Growers|Herders] in {direction} {country} [have lost|fear losing|are counting] "
        "[crops|livestock|harvests] [worth|valued at] {money}.",
        "[Soldiers|Volunteers|Emergency crews] [handed out|delivered|flew in] "
        "[food|water|tents|medical supplies] to [shelters|camps|cut-off villages].",
        "The [weather agency|meteorological office] [reported|recorded] [rainfall|temperatures] "
        "[well above|far above|at twice] [normal|the seasonal average] in {city}.",
        "{topic} {topic_has} [already|also] [forced|prompted] [evacuations|school closures|water "
        "restrictions] in {city}.",
        "[Environmental groups|Campaigners] [link|tie] {topic} to [poor planning|illegal "
        "mining|years of neglect|rapid development].",
    ],
    "health": [
        "[Hospitals|Clinics] in {city} have [postponed|cancelled|delayed] "
        "[non-urgent|routine|planned] [surgery|appointments|operations].",
        "[The|{country_s}] {org} [urged|advised|told] [residents|older people|parents|travellers] "
        "to [get vaccinated|stay indoors|seek help early|avoid crowds].",
        "[Cases|Deaths|Admissions] [have risen|have doubled|have fallen|are climbing] "
        "[since|compared with] {month}.",
        "{speaker} said [staff|doctors|nurses|paramedics] were [exhausted|stretched thin|leaving "
        "for jobs abroad].",
        "[Symptoms|Early signs] [include|can include] [fever|a rash|headaches], [muscle "
        "pain|vomiting|fatigue] and [chills|a cough|dizziness].",
        "The [drug|treatment|vaccine] [costs|will cost|is priced at] about {cash} per "
        "[dose|course|month].",
        "[Researchers|The study's authors] [followed|tracked|surveyed] {count} "
        "[adults|patients|children] [over|for] [a decade|several years|two decades].",
        "[Pharmacies|Health centres] in {direction} {country} [report|have reported] shortages of "
        "[antibiotics|insulin|painkillers|test kits].",
        "[Doctors|Health officials|Experts] [have warned|warn] that {topic} [could|may] "
        "[worsen|spread|strain hospitals] [over the winter|this summer|in the coming months].",
        "[The|{country_s}] {org} [said|admitted] {topic} [remained|{topic_was} still] [a "
        "concern|underreported|poorly tracked] in {direction} areas.",
    ],
    "courts": [
        "The [suspects|defendants|accused] [face|could face] [long prison terms|life in "
        "prison|heavy fines] if convicted.",
        "Police said the investigation was [continuing|ongoing] and [appealed|asked] for "
        "[witnesses|dashcam footage|information].",
        "[Lawyers|A lawyer] for {last} said they would [appeal|challenge the ruling|take the case "
        "to the supreme court].",
        "The [court|judge|panel] [found|ruled|concluded] that [officials|the state|the company] "
        "had [failed|acted unlawfully|been negligent].",
        "[Families|Relatives] of the [victims|dead|injured] [wept|cheered|protested] outside the "
        "court in {city}.",
        "[Investigators|Prosecutors] [say|allege|believe] the [group|network|ring] "
        "[made|moved|laundered] [about|more than] {money}.",
        "The [crash|derailment|accident] [happened|occurred] [shortly after|just before] "
        "[dawn|midnight|noon] near {city}.",
        "[Rights groups|Campaigners|Activists] [have criticised|welcomed|questioned] the "
        "[ruling|sentence|law].",
        "[Cases|Complaints|Reports] [linked to|involving] {topic} have [risen|doubled|fallen] "
        "[since|in] {past}.",
        "{speaker} said the [case|ruling|verdict] [shows|exposes|highlights] "
        "[gaps|failings|weaknesses] in [laws|policing|oversight] on {topic}.",
    ],
    "tech": [
        "The [feature|service|device] will [launch|roll out|go on sale] in {country} [first|in "
        "{month}|next year].",
        "{company_short} said no [customer data|payment details|passwords] had been "
        "[taken|compromised|leaked].",
        "The law [takes effect|comes into force] in {month} and [carries|allows] fines of up to "
        "{money}.",
        "[Rivals|Competitors] [including|such as] {company2} are [racing|scrambling|rushing] to "
        "[catch up|respond|launch similar products].",
        "[Engineers|Developers|Researchers] at {company_short} [spent|worked for] "
        "[months|years|most of a decade] on the [project|system|chip].",
        "[Regulators|Officials] in {country2} are [studying|reviewing|watching] the "
        "[case|rules|rollout] closely.",
        "The [satellite|probe|rocket] [carries|will carry] [instruments|cameras|sensors] built by "
        "{company}.",
        "[Users|Customers|Gamers] [reported|complained of] [outages|slow connections|login "
        "problems] [across|in] {city}.",
        "[Lawmakers|Regulators|Officials] in {country} [are drafting|have proposed|are debating] "
        "[rules|limits|guidelines] on {topic}.",
        "{company_short} [has been|is] [lobbying|pushing|campaigning] [for|against] "
        "[stricter|looser|new] rules on {topic}.",
    ],
    "culture": [
        "{person} [scored|struck|headed in] [twice|the winner|a late equaliser] [in the second "
        "half|in the first half|in the {minute}th minute].",
        "[Organisers|Officials] [expect|are hoping for] [about|more than|nearly] {count} "
        "[visitors|fans|spectators|runners].",
        "The [festival|event|tournament|exhibition] runs until {month} {daynum}.",
        "[Visitor|Passenger|Ticket] numbers are [still|now] {pctint2}% [below|above] {past} "
        "levels.",
        "The [film|novel|series|play] [follows|tells the story of] [a family|two sisters|a "
        "fisherman|a young nurse] in [post-war|present-day|1970s] {city}.",
        "[Hoteliers|Local businesses|Tour operators] in {city} [welcomed|criticised|questioned] "
        "the [fee|cap|decision].",
        "[Fans|Supporters] [packed|filled|lined] the [streets|stadium|squares] of {city} [to "
        "celebrate|for the final|despite the rain].",
        "[Tickets|Seats] [sold out|went on sale] [within hours|in minutes|on {weekday}].",
        "{topic} {topic_has} become a [sore point|hot topic|talking point] [for|among] "
        "[residents|locals|fans] in {city}.",
        "[Local|City] [officials|councillors] [say|hope] the [plan|change|money] will [help "
        "with|ease|address] {topic}.",
    ],
}  # fmt: skip
CRIMES = [
    "fraud", "bribery", "murder", "drug smuggling", "money laundering", "arson", "tax evasion",
    "people smuggling", "insider trading", "vote buying", "embezzlement", "kidnapping",
    "cyber fraud", "wildlife poaching", "match-fixing", "extortion", "forgery", "espionage",
]  # fmt: skip
DISEASES = [
    "dengue", "measles", "cholera", "bird flu", "mpox", "malaria", "tuberculosis", "influenza",
    "hand, foot and mouth disease", "whooping cough", "Japanese encephalitis", "diphtheria",
]  # fmt: skip
CONDITIONS = [
    "dementia", "type 2 diabetes", "heart disease", "depression", "asthma", "obesity",
    "lung cancer", "migraine", "Parkinson's disease", "kidney failure", "sleep apnoea",
]  # fmt: skip
VICES = [
    "cannabis for medical use", "online casinos", "sports betting", "e-cigarettes",
    "dog meat sales", "fur farming", "fireworks sales", "sales of laughing gas",
]  # fmt: skip
TECH_RULES = [
    "age checks on social media", "labels on AI-generated images", "local data storage",
    "phones in schools", "facial recognition in public places", "cash payments in shops",
    "drones near airports", "kill switches in imported inverters",
]  # fmt: skip
TOURNAMENTS = [
    "World Cup qualifier", "Asian Cup opener", "Davis Cup tie", "rugby test",
    "Nations League match", "friendly", "Olympic qualifier", "volleyball final",
    "cricket series opener", "handball semi-final",
]  # fmt: skip
ROLES = [
    "an economist at {firm} Securities", "a spokesperson for the {org2}",
    "a senior official at the {org2}", "an analyst at {firm} Capital",
    "a professor of {field} at {city} University", "a lawmaker from the {party2}",
    "the {org2}'s deputy director", "a researcher at the {firm} Institute",
    "a union leader in {city}", "the mayor of {city}", "a resident of {city}",
    "a former {ministry2} minister", "a fund manager in {city}", "a doctor in {city}",
    "who heads the {org2}", "a {field} lecturer in {city}", "a shop owner in {city}",
    "a consultant at {firm} Partners", "a retired judge", "a local council member",
]  # fmt: skip
WHEN = [
    "on {weekday}", "on {weekday}", "late on {weekday}", "early on {weekday}", "this week",
    "in a statement", "at a news conference", "in an interview", "overnight", "on social media",
]  # fmt: skip

# On-theme items (titles): they match the shipped themes in config.yaml. Their teasers come
# from ON_THEME_SENTENCES (and the "any" list).
ON_THEME = [
    "Quad foreign ministers meet in {quad_city} to discuss maritime security",
    "Quad leaders pledge Indo-Pacific infrastructure push at {quad_city} summit",
    "{quad_country} weighs joining quadrilateral security dialogue exercises",
    "Quad partners announce {money} Indo-Pacific fund to counter China's reach",
    "Quad navies to hold joint drills near {quad_city}, citing Indo-Pacific security",
    "Japan and South Korea agree to restore shuttle diplomacy",
    "Kishida and Yoon pledge to normalize ties after wartime labour deal",
    "Seoul and Tokyo move toward rapprochement over export curbs",
    "Japan, South Korea restore fast-track trade status in sign of warming ties",
    "South Korean and Japanese foreign ministers meet to mend relations",
    "Yoon to visit Tokyo as Japan-South Korea thaw gathers pace",
    "Canada unveils {money} Indo-Pacific plan with focus on {topic}",
    "Ottawa and Beijing trade accusations over {topic}",
    "US, Japan and South Korea hold trilateral [naval|missile defence|air] drills",
    "North Korea fires ballistic missile toward [the sea|waters] off its east coast",
]  # fmt: skip
ON_THEME_SENTENCES = [
    "[Officials|Diplomats] said the [leaders|ministers] would [meet again|hold follow-up talks] "
    "in {quad_city} [later this year|next year].",
    "The [talks|meeting] [focused on|covered] [supply chains|maritime security|export "
    "controls|energy] and [cyber defence|critical minerals|infrastructure].",
    "{speaker} said the [agreement|step|meeting] [marked|could mark] a [turning point|new "
    "chapter] for the region.",
    "[The move|The decision] [comes|came] after [years|months] of [strained|frosty|uneasy] "
    "[contacts|dealings] between the governments.",
    "[Business groups|Exporters] [welcomed|cautiously welcomed] the [step|announcement], "
    "[citing|pointing to] {topic}.",
    "A joint statement [is expected|was issued] [after the meeting|on {weekday}].",
    "[Opposition lawmakers|Critics at home] [questioned|attacked] the [deal|move] as [too "
    "hasty|one-sided|premature].",
    "[Analysts|Diplomats] said {topic} [could|might] [test|complicate] the [process|arrangement] "
    "[in the months ahead|before long].",
]  # fmt: skip
QUAD_CITIES = ["Tokyo", "New Delhi", "Sydney", "Washington", "Canberra", "Osaka", "Mumbai"]
QUAD_COUNTRIES = ["Vietnam", "Indonesia", "South Korea", "New Zealand", "the Philippines"]
# Near misses: a title and a teaser that must NOT match the shipped themes.
NEAR_MISS_RATE = 0.04
NEAR_MISS = [
    ("Man injured in quad bike accident near {city}",
     "Police said the {oldage}-year-old was taken to hospital in {city} with leg injuries."),
    ("Japan beat South Korea 2-1 in Asian Cup qualifier",
     "{person} scored the winner in the {minute}th minute in front of {count} fans."),
    ("Japan and South Korea both report record {heat}",
     "Temperatures reached {temp}C in parts of both countries, weather officials said."),
    ("Quadruple amputee completes marathon in {city}",
     "{person}, {oldage}, finished the course in just under {small} hours."),
    ("North Korea's Kim inspects new {nk_site}",
     "State media showed the leader touring the site with his daughter."),
    ("Canadian wildfire smoke drifts over {us_city}",
     "Air quality alerts were issued for {count} residents."),
]  # fmt: skip


@dataclass(frozen=True)
class Story:
    title: str
    summary: str
    on_theme: bool


_ALTERNATIVE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"([a-z_]+?)(\d?)$")


class _Fill:
    """Slot values for one item, drawn on first use and kept, so that title and teaser agree."""

    def __init__(self, rng: random.Random, desk: str) -> None:
        self.rng = rng
        self.desk = desk
        self.values: dict[str, str] = {}
        self.places: dict[int, Country] = {}
        self.people: dict[int, tuple[str, str]] = {}
        self.firms: dict[int, tuple[str, Sector]] = {}
        self.introduced: set[int] = set()  # speakers already named with their role

    def render(self, template: str, capitalize: bool = True) -> str:
        text = _ALTERNATIVE.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        text = text.format_map(self)
        return text[0].upper() + text[1:] if capitalize else text

    def __getitem__(self, key: str) -> str:
        match = _SLOT.match(key)
        if not match:
            raise KeyError(key)
        base, n = match.group(1), int(match.group(2) or 1)
        if base in _PLACE_WORDS:
            return _PLACE_WORDS[base](self.place(n))
        if base == "speaker":  # "Anna Silva, a doctor in Porto," the first time, then "Silva"
            first, last = self.person(n)
            if n in self.introduced:
                return last
            self.introduced.add(n)
            return f"{first} {last}, {self[f'role{n}']},"
        key = f"{base}{n}"
        if key not in self.values:
            self.values[key] = _VALUES[base](self, n)
        return self.values[key]

    def place(self, n: int) -> Country:
        if n not in self.places:
            taken = set(self.places.values())
            while (country := self.rng.choices(ALL_COUNTRIES, COUNTRY_WEIGHTS)[0]) in taken:
                pass
            self.places[n] = country
        return self.places[n]

    def person(self, n: int) -> tuple[str, str]:
        if n not in self.people:
            self.people[n] = (self.rng.choice(FIRST), self.rng.choice(LAST))
        return self.people[n]

    def firm(self, n: int) -> tuple[str, Sector]:
        if n not in self.firms:
            sector = self.rng.choice(SECTORS)
            self.firms[n] = (self.rng.choice(STEMS), sector)
        return self.firms[n]

    def topic(self, n: int) -> str:
        topics = DESK_TOPICS.get(self.desk) or TOPICS
        while True:
            topic = self.rng.choice(topics)
            if n == 1 or topic != self["topic"]:
                return topic


def _country_name(c: Country) -> str:
    return f"the {c.name}" if c.article else c.name


def _possessive(c: Country) -> str:
    name = _country_name(c)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


_PLACE_WORDS: dict[str, Callable[[Country], str]] = {
    "country": _country_name,
    "country_s": _possessive,
    "adj": lambda c: c.adj,
    "capital": lambda c: c.cities[0],
}


def _city(fill: _Fill, n: int) -> str:
    return fill.rng.choice(fill.place(n).cities)


def _leader(fill: _Fill, n: int) -> str:
    return f"{fill.rng.choice(HEADS)} {fill['leader_last' + str(n)]}"


def _plural(phrase: str) -> bool:
    last = phrase.split()[-1]
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def _money(fill: _Fill, n: int) -> str:
    currency = fill.rng.choice(["$", "$", "$", "€", "£", "¥"])
    if fill.rng.random() < 0.6:
        return f"{currency}{fill.rng.randint(12, 980)} million"
    return f"{currency}{fill.rng.randint(1, 90) / fill.rng.choice([1, 10]):g} billion"


def _count(fill: _Fill, n: int) -> str:
    value = int(10 ** fill.rng.uniform(2.2, 5.5))
    step = 10 ** max(0, len(str(value)) - 3)  # three significant figures: 48,300
    return f"{value // step * step:,}"


_VALUES: dict[str, Callable[[_Fill, int], str]] = {
    "city": _city,
    "person": lambda f, n: " ".join(f.person(n)),
    "last": lambda f, n: f.person(n)[1],
    "leader": _leader,
    "leader_last": lambda f, n: f.rng.choice(LAST),
    "minister": lambda f, n: f"{f.rng.choice(MINISTERS)} {f.rng.choice(LAST)}",
    "ministry": lambda f, n: f.rng.choice(MINISTERS).removesuffix(" Minister").lower(),
    "role": lambda f, n: f.render(f.rng.choice(ROLES), capitalize=False),
    "org": lambda f, n: f.rng.choice(DESK_ORGS.get(f.desk, SUBJECTS) if n == 1 else SUBJECTS),
    "topic_is": lambda f, n: "are" if _plural(f["topic"]) else "is",
    "topic_has": lambda f, n: "have" if _plural(f["topic"]) else "has",
    "topic_was": lambda f, n: "were" if _plural(f["topic"]) else "was",
    "party": lambda f, n: f.rng.choice(PARTIES),
    "firm": lambda f, n: f.rng.choice(STEMS),
    "company": lambda f, n: f"{f.firm(n)[0]} {f.firm(n)[1].suffix}",
    "company_short": lambda f, n: f.firm(n)[0],
    "maker": lambda f, n: f.firm(n)[1].noun,
    "product": lambda f, n: f.rng.choice(f.firm(n)[1].products),
    "topic": lambda f, n: f.topic(n),
    "field": lambda f, n: f.rng.choice(FIELDS),
    "media": lambda f, n: f.rng.choice(["local media", "state media", "a newswire"]),
    "pct": lambda f, n: f"{f.rng.uniform(0.1, 9.9):.1f}",
    "rate": lambda f, n: f"{f.rng.randint(1, 30) * 0.25:.2f}",
    "money": _money,
    "cash": lambda f, n: f"{f.rng.choice(['$', '€', '£'])}{f.rng.randint(3, 25)}",
    "count": _count,
    "small": lambda f, n: str(f.rng.randint(5, 90)),
    "pctint": lambda f, n: str(f.rng.randint(11, 78)),
    "crime": lambda f, n: f.rng.choice(CRIMES),
    "seats": lambda f, n: str(f.rng.choice([150, 200, 225, 300, 349, 450, 500, 650])),
    "age": lambda f, n: str(f.rng.choice([12, 14, 16, 18, 21])),
    "oldage": lambda f, n: str(f.rng.randint(19, 94)),
    "temp": lambda f, n: str(f.rng.randint(38, 51)),
    "mag": lambda f, n: f"{f.rng.uniform(4.6, 7.8):.1f}",
    "minute": lambda f, n: str(f.rng.randint(52, 90)),
    "score": lambda f, n: f"{f.rng.randint(1, 4)}-{f.rng.randint(0, 2)}",
    "year": lambda f, n: str(f.rng.randint(2027, 2040)),
    "past": lambda f, n: str(f.rng.randint(1990, 2024)),
    "month": lambda f, n: f.rng.choice(MONTHS),
    "weekday": lambda f, n: f.rng.choice(WEEKDAYS),
    "daynum": lambda f, n: str(f.rng.randint(1, 28)),
    "quarter": lambda f, n: f.rng.choice(["first", "second", "third", "fourth"]),
    "when": lambda f, n: f.render(f.rng.choice(WHEN), capitalize=False),
    "direction": lambda f, n: f.rng.choice(
        ["northern", "southern", "eastern", "western", "central", "northeastern", "southwest"]
    ),
    "direction_cap": lambda f, n: f["direction"].capitalize(),
    "sea": lambda f, n: f.rng.choice(SEAS),
    "storm": lambda f, n: f.rng.choice(STORMS),
    "disease": lambda f, n: f.rng.choice(DISEASES),
    "condition": lambda f, n: f.rng.choice(CONDITIONS),
    "vice": lambda f, n: f.rng.choice(VICES),
    "tech_rule": lambda f, n: f.rng.choice(TECH_RULES),
    "tournament": lambda f, n: f.rng.choice(TOURNAMENTS),
    "quad_city": lambda f, n: f.rng.choice(QUAD_CITIES),
    "quad_country": lambda f, n: f.rng.choice(QUAD_COUNTRIES),
    "heat": lambda f, n: f.rng.choice(["temperatures", "rainfall", "heatstroke cases"]),
    "nk_site": lambda f, n: f.rng.choice(["greenhouse farm", "hospital", "fertiliser plant"]),
    "us_city": lambda f, n: f.rng.choice(["New York", "Chicago", "Detroit", "Boston"]),
}


def story(rng: random.Random, match_rate: float = 0.03, on_theme: bool | None = None) -> Story:
    """One item; `on_theme=True` forces a theme match (for the latency benchmark)."""
    if on_theme is None:
        on_theme = rng.random() < match_rate
    fill = _Fill(rng, rng.choices(DESKS, DESK_WEIGHTS)[0])
    own = SENTENCES.get(fill.desk, [])
    if on_theme:
        template = rng.choice(ON_THEME)
        own = ON_THEME_SENTENCES
    elif rng.random() < NEAR_MISS_RATE:
        title, teaser = rng.choice(NEAR_MISS)
        title = fill.render(title)
        return Story(title, fill.render(teaser), False)
    else:
        template = rng.choice(HEADLINES[fill.desk if rng.random() < 0.8 else "any"])
    title = fill.render(template)
    return Story(title, _teaser(rng, fill, own, lead_topic=not on_theme), on_theme)


def _teaser(rng: random.Random, fill: _Fill, own: list[str], lead_topic: bool) -> str:
    """1-3 sentences, about half of them from `own`; the item's topic comes up early."""
    both = own + SENTENCES["any"] if lead_topic else own
    chosen: list[str] = []
    if lead_topic and "topic1" not in fill.values and rng.random() < 0.7:
        chosen.append(rng.choice([t for t in both if "{topic}" in t]))
    count = rng.choices([1, 2, 3], [2, 5, 4])[0] if lead_topic else rng.choice([1, 2])
    while len(chosen) < count:
        template = rng.choice(own if rng.random() < 0.5 else both)
        if template not in chosen:
            chosen.append(template)
    return " ".join(fill.render(t) for t in chosen)


def theme_queries(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """`count` (id, WRL query) pairs that look like a desk's watch list: places (mostly the
    desk's focus countries, by name, adjective or city, alone or a few together) combined
    with a few topics of one desk, some with NEAR, some with exclusions."""
    rng = random.Random(seed)
    focus = [c for c in ALL_COUNTRIES if c.name in FOCUS]
    out: list[tuple[str, str]] = []
    while len(out) < count:
        n = len(out)
        pool = focus if rng.random() < 0.85 else ALL_COUNTRIES
        names = []
        for country in rng.sample(pool, rng.choice([1, 2, 3, 3])):
            kind = rng.random()
            if kind < 0.6:
                names.append(country.name)
            elif kind < 0.85:
                names += [country.name, country.adj]
            else:
                names.append(rng.choice(country.cities))
        place = " OR ".join(f'"{name}"' for name in dict.fromkeys(names))
        place = f"({place})" if " OR " in place else place
        desk = rng.choices(DESKS, DESK_WEIGHTS)[0]
        topics = " OR ".join(f'"{t}"' for t in rng.sample(DESK_TOPICS[desk], rng.randint(3, 6)))
        shape = n % 4
        if shape == 0:
            query = f"{place} AND ({topics})"
        elif shape == 1:
            query = f"{place} NEAR/10 ({topics})"
        elif shape == 2:
            subject = rng.choice(DESK_ORGS[desk])
            query = f'({place} NEAR/3 "{subject}") AND ({topics}) NOT opinion'
        else:
            leader = f"{rng.choice(HEADS)} {rng.choice(LAST)}"
            query = f'title:{place} AND ({topics} OR "{leader}")'
        out.append((f"bench-{n:04d}", query))
    return out
