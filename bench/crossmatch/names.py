"""Name, street and postcode tables for the synthetic pupils and police episodes.

Weights are rough shares of children in an English urban local authority (ONS baby-name and
surname counts, rounded), not exact figures: they only need Smith to be common, Begum and Khan
to be common among South Asian families, and most surnames to be rare. The long tail of rare
surnames is built from parts so that a million pupils do not share a few hundred surnames.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class Weighted:
    names: tuple[str, ...]
    cumulative: tuple[float, ...]


def weighted(table: str) -> Weighted:
    """`Name 120, Other 40` -> names with cumulative weights for `random.choices`."""
    names: list[str] = []
    weights: list[float] = []
    for item in table.split(","):
        name, _, weight = item.strip().rpartition(" ")
        names.append(name)
        weights.append(float(weight))
    return Weighted(tuple(names), tuple(accumulate(weights)))


def flat(table: str, weight: float = 1.0) -> Weighted:
    names = table.split()
    return Weighted(tuple(names), tuple(accumulate([weight] * len(names))))


def combine(parts: list[Weighted]) -> Weighted:
    names: list[str] = []
    weights: list[float] = []
    for part in parts:
        previous = 0.0
        for name, cumulative in zip(part.names, part.cumulative, strict=True):
            names.append(name)
            weights.append(cumulative - previous)
            previous = cumulative
    return Weighted(tuple(names), tuple(accumulate(weights)))


# Share of households by background; families keep one background for all their children.
BACKGROUNDS = {"british": 0.70, "south_asian": 0.15, "eastern_european": 0.08, "african": 0.07}

BRITISH_SURNAMES = weighted(
    "Smith 1260, Jones 750, Williams 600, Taylor 500, Brown 500, Davies 450, Evans 350, "
    "Wilson 350, Thomas 330, Johnson 300, Roberts 300, Robinson 280, Thompson 280, "
    "Wright 270, Walker 260, White 250, Edwards 240, Hughes 240, Green 230, Hall 230, "
    "Lewis 220, Harris 220, Clarke 210, Jackson 210, Wood 200, Turner 190, Martin 190, "
    "Cooper 190, Hill 190, Ward 180, Morris 180, Moore 170, Clark 170, Lee 170, King 170, "
    "Baker 160, Harrison 160, Morgan 160, Allen 150, James 150, Scott 150, Phillips 150, "
    "Watson 140, Davis 140, Parker 140, Price 140, Bennett 130, Young 130, Griffiths 130, "
    "Mitchell 130, Kelly 130, Cook 120, Carter 120, Richardson 120, Bailey 120, Collins 120, "
    "Bell 120, Shaw 110, Murphy 110, Miller 110, Cox 110, Richards 110, Marshall 100, "
    "Anderson 100, Simpson 100, Ellis 100, Adams 100, Wilkinson 95, Foster 95, Chapman 95, "
    "Powell 90, Webb 90, Rogers 90, Gray 90, Mason 90, Hunt 85, Campbell 85, Matthews 85, "
    "Owen 85, Palmer 80, Holmes 80, Mills 80, Barnes 80, Knight 80, Lloyd 75, Butler 75, "
    "Russell 75, Barker 75, Fisher 70, Stevens 70, Jenkins 70, Murray 70, Dixon 70, "
    "Harvey 70, Graham 65, Pearson 65, Fletcher 65, Walsh 65, Gibson 60, Howard 60, "
    "Andrews 60, Stewart 60, Elliott 60, Reynolds 60, Saunders 55, Payne 55, Fox 55, "
    "Ford 55, Pearce 55, Day 50, Brooks 50, West 50, Lawrence 50, Cole 50, Atkinson 50, "
    "Bradley 50, Spencer 50, Dawson 45, Ball 45, Burton 45, O'Brien 45, Watts 45, Rose 45, "
    "Booth 45, Perry 45, Ryan 40, Grant 40, Wells 40, Armstrong 40, Francis 40, Rees 40, "
    "Hayes 40, Hart 40, Hudson 40, Newman 40, Barrett 40, Webster 35, Hunter 35, "
    "Gregory 35, Carr 35, Lowe 35, Page 35, Marsh 35, Riley 35, Dunn 35, Woods 35, "
    "McDonald 30, O'Connor 30, McCarthy 30, MacLeod 20, Fitzgerald 20, O'Neill 25"
)
# Place-like English surnames: Ashworth, Blackmore, Hollingsworth ... each one rare.
RARE_SURNAME_HEADS = (
    "Ash Black Brad Brom Bur Cal Cart Chad Cran Dal Dun Elm Fair Farn Gold Grim Hal Ham "
    "Hart Hay Hol Holling Kel Kings Lang Lind Marl Mid Mor New Nor Oak Pen Rad Red Rush "
    "Sal Sand Shel Stan Stock Sut Thorn Til War Wes Whit Wil Win Wood Wor"
).split()
RARE_SURNAME_TAILS = (
    "worth more ley ton field wood well by ham stead combe ford bridge hurst wick dale "
    "burn shaw croft thorpe cliffe lock gate mer son"
).split()
BRITISH_RARE_SURNAMES = flat(
    " ".join(h + t for h in RARE_SURNAME_HEADS for t in RARE_SURNAME_TAILS), weight=4.0
)

SOUTH_ASIAN_SURNAMES = weighted(
    "Khan 900, Ali 700, Hussain 650, Ahmed 600, Begum 550, Patel 800, Singh 450, Kaur 350, "
    "Shah 300, Akhtar 250, Iqbal 220, Mahmood 200, Rahman 200, Islam 180, Uddin 170, "
    "Miah 170, Chowdhury 150, Sharma 150, Kumar 150, Mistry 120, Parmar 110, Bibi 100, "
    "Malik 140, Rashid 120, Hassan 120, Bhatti 80, Butt 90, Sandhu 70, Gill 90, Sidhu 60, "
    "Dhillon 60, Aziz 70, Nawaz 70, Raza 60, Javed 60, Anwar 60, Saleem 50, Rehman 50, "
    "Qureshi 60, Siddiqui 50, Mirza 50, Chaudhry 60, Lal 40, Joshi 40, Desai 40, Mehta 50, "
    "Bains 40, Sahota 30, Bhogal 30, Kapoor 30, Chauhan 40, Solanki 30, Lad 20, Rana 40"
)
EASTERN_EUROPEAN_SURNAMES = weighted(
    "Nowak 120, Kowalski 90, Wisniewski 70, Wojcik 60, Kowalczyk 60, Kaminski 50, "
    "Lewandowski 50, Zielinski 45, Szymanski 45, Wozniak 45, Dabrowski 40, Kozlowski 35, "
    "Jankowski 30, Mazur 35, Krawczyk 30, Piotrowski 30, Grabowski 25, Pawlowski 25, "
    "Michalski 25, Popescu 60, Ionescu 40, Popa 50, Radu 40, Stan 35, Dumitru 35, "
    "Stoica 25, Gheorghe 30, Matei 25, Ciobanu 25, Kazlauskas 30, Jankauskas 25, "
    "Petrauskas 25, Balciunas 15, Ozols 15, Berzins 15, Horvath 20, Novak 30, Ivanov 25, "
    "Petrov 25, Dimitrov 20, Kovacs 20, Tamm 10, Shevchenko 20, Bondarenko 15"
)
AFRICAN_SURNAMES = weighted(
    "Okafor 50, Adeyemi 50, Mensah 50, Owusu 50, Osei 45, Boateng 45, Okonkwo 40, "
    "Adebayo 45, Afolabi 35, Ogunleye 30, Eze 35, Nwosu 30, Asante 35, Appiah 30, "
    "Abdi 60, Mohamed 80, Hassan 50, Farah 50, Ahmed 50, Omar 40, Yusuf 40, Ali 50, "
    "Campbell 30, Francis 25, Samuels 25, Grant 25, Clarke 25, Williams 40, Brown 30, "
    "Mutasa 15, Moyo 20, Banda 15, Phiri 15, Kamara 25, Sesay 25, Conteh 20, Bangura 20"
)

# Forenames of school-age children; (boys, girls) per background.
FORENAMES: dict[str, tuple[Weighted, Weighted]] = {
    "british": (
        weighted(
            "Oliver 300, Jack 300, Harry 280, George 250, Noah 200, Charlie 250, Jacob 220, "
            "Alfie 200, Freddie 180, Oscar 160, Leo 150, Logan 120, Archie 180, Theo 130, "
            "Thomas 220, James 220, Joshua 200, Henry 120, William 200, Max 130, Lucas 110, "
            "Ethan 160, Arthur 100, Mason 120, Isaac 100, Harrison 90, Teddy 70, Finley 90, "
            "Daniel 150, Riley 110, Edward 80, Joseph 130, Alexander 120, Adam 100, "
            "Reggie 50, Samuel 140, Jaxon 50, Sebastian 60, Harley 50, Toby 70, Dylan 90, "
            "Jude 50, Benjamin 100, Rory 40, Tommy 60, Jake 70, Louie 50, Jenson 50, "
            "Bobby 50, Frankie 40, Ollie 40, Zachary 40, Lewis 70, Ronnie 30, Matthew 100, "
            "Alex 40, Harvey 80, Kai 60, Tyler 80, Callum 70, Connor 70, Kyle 40, Cameron 50, "
            "Jamie 50, Liam 60, Ryan 60, Nathan 60, Luke 60, Michael 50, Frederick 20, "
            "Alfred 15, Christopher 30, Jonathan 20, Robert 30, Charles 20, Nicholas 20"
        ),
        weighted(
            "Olivia 300, Amelia 300, Isla 200, Ava 200, Mia 180, Ivy 90, Lily 220, "
            "Isabella 160, Rosie 120, Sophia 120, Grace 180, Willow 80, Freya 160, "
            "Florence 80, Emily 220, Ella 160, Poppy 150, Evie 150, Elsie 80, Charlotte 150, "
            "Evelyn 70, Sienna 80, Daisy 120, Phoebe 90, Sophie 150, Alice 90, Harper 70, "
            "Matilda 70, Ruby 150, Millie 120, Isabelle 80, Jessica 150, Lola 60, Chloe 150, "
            "Scarlett 90, Holly 90, Erin 80, Ellie 140, Lucy 140, Hannah 120, Katie 90, "
            "Megan 100, Amy 90, Lauren 80, Abigail 60, Bethany 60, Georgia 70, Summer 50, "
            "Layla 70, Imogen 60, Niamh 40, Leah 60, Caitlin 50, Eleanor 50, Madison 50, "
            "Katherine 30, Rebecca 50, Elizabeth 40, Victoria 30, Alexandra 20, Samantha 20, "
            "Abbie 40, Libby 50, Maisie 60, Zoe 50, Eliza 30, Gabriella 20, Jennifer 15"
        ),
    ),
    "south_asian": (
        weighted(
            "Muhammad 400, Mohammed 350, Mohammad 150, Ali 120, Ibrahim 120, Yusuf 110, "
            "Adam 100, Zain 90, Ayaan 90, Hamza 120, Omar 90, Ahmed 80, Hassan 70, Hussain 60, "
            "Bilal 60, Zayn 60, Arjun 60, Aarav 40, Rohan 50, Aryan 50, Rahul 30, Imran 40, "
            "Faisal 30, Usman 60, Abdullah 60, Haris 40, Rayan 50, Ismail 50, Idris 30, "
            "Arman 30, Dev 20, Krish 30, Ishaan 30, Veer 20, Sahil 20, Harpreet 20, "
            "Gurpreet 20, Jaspreet 15, Manpreet 15, Amrit 15, Karan 25, Vikram 15, Zakariya 40"
        ),
        weighted(
            "Aisha 120, Fatima 150, Maryam 140, Zainab 110, Hafsa 70, Khadija 70, Amina 60, "
            "Inaya 60, Anaya 50, Zara 60, Aleena 40, Sana 40, Noor 50, Ayesha 60, Hana 40, "
            "Safa 30, Priya 40, Ananya 30, Diya 30, Riya 30, Simran 30, Jasmine 30, Nadia 30, "
            "Sara 40, Alisha 30, Aaliyah 50, Mariam 50, Rabia 20, Sumaya 20, Tasnim 20, "
            "Nusrat 15, Sadia 20, Jannat 20, Kiran 20, Isha 30, Harleen 15, Navneet 10"
        ),
    ),
    "eastern_european": (
        weighted(
            "Jakub 80, Kacper 60, Szymon 50, Filip 60, Antoni 40, Jan 40, Mateusz 50, "
            "Bartosz 40, Tomasz 30, Piotr 30, Michal 30, Aleksander 40, Dawid 40, Oskar 40, "
            "Wiktor 30, Adrian 30, Andrei 40, Alexandru 40, Stefan 30, Ionut 20, Mihai 30, "
            "Darius 30, Lukas 40, Matas 20, Dominykas 15, Nojus 15, Maksim 20, Dmitri 15, "
            "Mikhail 10, Vladimir 10"
        ),
        weighted(
            "Zofia 50, Julia 60, Maja 50, Zuzanna 40, Hanna 40, Lena 40, Oliwia 40, "
            "Wiktoria 40, Aleksandra 40, Natalia 40, Katarzyna 20, Malgorzata 10, Anna 50, "
            "Maria 40, Ioana 30, Andreea 30, Elena 30, Gabriela 30, Bianca 20, Emilija 20, "
            "Ugne 10, Gabija 10, Viktorija 15, Anastasia 20, Daria 20"
        ),
    ),
    "african": (
        weighted(
            "David 50, Daniel 60, Samuel 50, Joshua 50, Emmanuel 50, Kwame 20, Kofi 20, "
            "Tobi 20, Oluwatobi 20, Chidi 15, Oluwaseun 20, Ayodele 15, Olufemi 15, "
            "Chukwuemeka 15, Abdi 30, Mohamed 60, Abdirahman 25, Hamza 20, Kayden 20, "
            "Malachi 30, Josiah 30, Isaiah 30, Elijah 40, Nathaniel 25, Jayden 30"
        ),
        weighted(
            "Blessing 20, Precious 20, Favour 20, Grace 30, Esther 30, Deborah 20, "
            "Abigail 20, Amara 30, Adaeze 15, Chioma 15, Zainab 30, Hodan 20, Ayan 20, "
            "Sahra 20, Hibo 15, Nia 20, Imani 20, Kezia 20, Tia 20, Aaliyah 30, Destiny 20, "
            "Faith 25, Aisha 30, Fatima 30"
        ),
    ),
}

SURNAMES: dict[str, Weighted] = {
    "british": combine([BRITISH_SURNAMES, BRITISH_RARE_SURNAMES]),
    "south_asian": SOUTH_ASIAN_SURNAMES,
    "eastern_european": EASTERN_EUROPEAN_SURNAMES,
    "african": AFRICAN_SURNAMES,
}

# Polish surnames in -ski take -ska for girls; police and schools both record that form.
FEMININE_ENDINGS = (("ski", "ska"),)

# Names that people use for one another. A police officer writes down what the child or a
# parent says, so an episode may carry any member of the group while the school has another.
NAME_GROUPS = [
    "Alfred Alfie Alf",
    "Alexander Alex Alec Sasha Xander",
    "Alexandra Alex Sasha Lexi",
    "Aleksandra Ola Sasha",
    "Aleksander Olek Alex",
    "Muhammad Mohammed Mohammad Mohamed Mo",
    "Katherine Kate Katie Kathryn Catherine Kat",
    "Katarzyna Kasia Kate",
    "Thomas Tom Tommy",
    "Henry Harry Hal",
    "Charles Charlie Chas",
    "Charlotte Charlie Lottie",
    "Oliver Ollie Olly",
    "Joshua Josh",
    "Samuel Sam Sammy",
    "Samantha Sam Sammie",
    "Daniel Dan Danny",
    "William Will Billy Liam",
    "Benjamin Ben Benji",
    "Jacob Jake",
    "Jakub Kuba",
    "Matthew Matt Matty",
    "Nicholas Nick Nicky",
    "Joseph Joe Joey",
    "James Jim Jimmy Jamie",
    "Michael Mike Mikey",
    "Edward Ed Eddie Ted",
    "Frederick Freddie Fred",
    "Theodore Theo Teddy",
    "Isabella Bella Izzy",
    "Isabelle Izzy Belle",
    "Elizabeth Beth Lizzie Libby Eliza",
    "Eleanor Ellie Nell",
    "Abigail Abbie Abby",
    "Rebecca Becky Becca",
    "Jessica Jess Jessie",
    "Victoria Vicky Tori",
    "Gabriella Gabby",
    "Evelyn Evie",
    "Amelia Millie",
    "Madison Maddie",
    "Jennifer Jenny Jen",
    "Anastasia Nastya Stacey",
    "Zofia Zosia",
    "Malgorzata Gosia",
    "Bartosz Bartek",
    "Tomasz Tomek",
    "Piotr Piotrek",
    "Anna Ania Annie",
    "Dmitri Dima",
    "Mikhail Misha",
    "Vladimir Vlad",
    "Abdullah Abdul",
    "Abdirahman Abdi",
    "Yusuf Yousef",
    "Zain Zayn",
    "Aisha Ayesha",
    "Oluwaseun Seun",
    "Ayodele Ayo",
    "Oluwatobi Tobi",
    "Chukwuemeka Emeka",
    "Olufemi Femi",
    "Christopher Chris",
    "Jonathan Jon Jonny",
    "Zachary Zach Zack",
    "Robert Rob Bobby Robbie",
    "Emily Em Emmy",
    "Olivia Liv Livvy",
    "Sophia Sophie Sofia",
    "Natalia Natalie",
]
NICKNAMES: dict[str, tuple[str, ...]] = {}
for _group in NAME_GROUPS:
    _members = _group.split()
    for _name in _members:
        NICKNAMES[_name] = tuple(
            dict.fromkeys(NICKNAMES.get(_name, ()) + tuple(m for m in _members if m != _name))
        )

STREET_NAMES = (
    "Acacia Albert Alexandra Ash Aspen Beech Belgrave Birch Blenheim Bridge Brook Carlton "
    "Castle Cedar Chapel Chestnut Church Clarence Cliff Coronation Cromwell Dale Derwent Elm "
    "Fern Field Forest Garden Gladstone Grange Granville Green Grosvenor Hall Hampton Harrow "
    "Hawthorn Hazel Heath High Highfield Hill Holly Ivy Jubilee Kings Laburnum Lime Linden "
    "Lonsdale Manor Maple Market Marlborough Meadow Mill Milton Moor Mount Nelson New Oak "
    "Orchard Osborne Oxford Park Pinfold Poplar Priory Queens Railway Regent Richmond Ripon "
    "River Rose Rowan St-Johns St-Marys Salisbury School Springfield Station Sycamore Trinity "
    "Tudor Valley Vicarage Victoria Wellington West Westfield Willow Windsor Woodland York"
).split()
STREET_TYPES = weighted(
    "Road 30, Street 25, Avenue 10, Close 8, Lane 8, Drive 6, Grove 5, Crescent 4, Way 4, "
    "Place 3, Terrace 4, Gardens 3, Court 2, View 2, Walk 2, Mount 1"
)
# How a police system shortens what a school spells out.
STREET_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Avenue": "Ave",
    "Close": "Cl",
    "Lane": "Ln",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Terrace": "Ter",
    "Gardens": "Gdns",
    "Court": "Ct",
    "Place": "Pl",
}

# The local authority's postcode districts, and those of neighbouring authorities whose
# children are sometimes found in this area.
HOME_DISTRICTS = tuple(f"LS{n}" for n in range(1, 30))
OTHER_DISTRICTS = (
    tuple(f"BD{n}" for n in range(1, 24))
    + tuple(f"WF{n}" for n in range(1, 17))
    + tuple(f"HD{n}" for n in range(1, 10))
    + tuple(f"M{n}" for n in range(1, 41))
    + tuple(f"B{n}" for n in range(1, 50))
)
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
