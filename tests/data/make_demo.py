#!/usr/bin/python3
"""Writes services/directory/data/demo.sql: the demo directory of Pohjois-Savo
and Etelä-Savo.  Run from the repository root:  tests/data/make_demo.py

Everything here is fictional: the organisations, people, addresses, e-mails
(only @example.org) and phone numbers (only +358 40 0000xxx).  Ids are fixed
literals so that tests and bookmarks stay stable: organisations
d0000000-0000-4000-8000-0000000000NN, activities
a0000000-0000-4000-8000-000000000NNN, contacts c0000000-...,
locations b0000000-..., user sites / accounts e0000000-... / f0000000-....
The output is deterministic: same script, same file.
"""
import os

LOC = {  # code: (name, genitive, locative)
    '297': ('Kuopio', 'Kuopion', 'Kuopiossa'), '749': ('Siilinjärvi', 'Siilinjärven', 'Siilinjärvellä'),
    '140': ('Iisalmi', 'Iisalmen', 'Iisalmessa'), '915': ('Varkaus', 'Varkauden', 'Varkaudessa'),
    '778': ('Suonenjoki', 'Suonenjoen', 'Suonenjoella'), '402': ('Lapinlahti', 'Lapinlahden', 'Lapinlahdella'),
    '420': ('Leppävirta', 'Leppävirran', 'Leppävirralla'), '491': ('Mikkeli', 'Mikkelin', 'Mikkelissä'),
    '740': ('Savonlinna', 'Savonlinnan', 'Savonlinnassa'), '593': ('Pieksämäki', 'Pieksämäen', 'Pieksämäellä'),
    '178': ('Juva', 'Juvan', 'Juvalla'), '263': ('Kiuruvesi', 'Kiuruveden', 'Kiuruvedellä'),
    '171': ('Joroinen', 'Joroisten', 'Joroisissa'), '213': ('Kangasniemi', 'Kangasniemen', 'Kangasniemellä'),
    '507': ('Mäntyharju', 'Mäntyharjun', 'Mäntyharjulla'), '686': ('Rautalampi', 'Rautalammen', 'Rautalammella'),
    '595': ('Pielavesi', 'Pielaveden', 'Pielavedellä'), '857': ('Tuusniemi', 'Tuusniemen', 'Tuusniemellä'),
    '204': ('Kaavi', 'Kaavin', 'Kaavilla'), '762': ('Sonkajärvi', 'Sonkajärven', 'Sonkajärvellä'),
    '925': ('Vieremä', 'Vieremän', 'Vieremällä'), '681': ('Rantasalmi', 'Rantasalmen', 'Rantasalmella'),
    '768': ('Sulkava', 'Sulkavan', 'Sulkavalla'), '097': ('Hirvensalmi', 'Hirvensalmen', 'Hirvensalmella'),
    '623': ('Puumala', 'Puumalan', 'Puumalassa'), '046': ('Enonkoski', 'Enonkosken', 'Enonkoskella'),
}

def q(s):
    if s is None:
        return 'NULL'
    return "'" + s.replace("'", "''") + "'"

def arr(xs):
    return "'{}'" if not xs else 'ARRAY[' + ', '.join(q(x) for x in xs) + ']'

def oid(n): return 'd0000000-0000-4000-8000-%012d' % n
def aid(n): return 'a0000000-0000-4000-8000-%012d' % n
def cid(n): return 'c0000000-0000-4000-8000-%012d' % n
def lid(n): return 'b0000000-0000-4000-8000-%012d' % n

FICTION = ' Tämä on kuvitteellinen esimerkkiyhdistys.'

# ---------------------------------------------------------------- organisations
ORGS = []  # (no, name, frame, parent, description, slug, seat, status)
def org(no, name, frame, parent, desc, slug, seat, status='approved'):
    ORGS.append((no, name, frame, parent, desc, slug, seat, status))

org(1, 'Suomen Muistikamut – liitto ry', 'federation', None,
    'Valtakunnallinen muistisairaiden ja heidän läheistensä järjestö. Jäseninä alueelliset muistiyhdistykset.', 'muistikamut', '297')
org(2, 'Pohjois-Savon Muistikamut ry', 'district', 1,
    'Muistisairaiden ja läheisten tukena Pohjois-Savossa: muistikahvilat, vertaisryhmät ja muistiluotsin neuvonta.', 'muistikamut.ps', '297')
org(3, 'Siilinjärven Muistikamut ry', 'association', 2,
    'Paikallinen muistiyhdistys Siilinjärvellä. Järjestämme muistikahvilaa, vertaisryhmiä ja muistiystävätoimintaa.', 'muistikamut.siilinjarvi', '749')
org(4, 'Ylä-Savon Muistikamut ry', 'association', 2,
    'Muistiyhdistys Iisalmen, Kiuruveden, Lapinlahden ja Sonkajärven alueella.', 'muistikamut.ylasavo', '140')
org(5, 'Etelä-Savon Muistikamut ry', 'district', 1,
    'Muistisairaiden ja läheisten yhdistys Mikkelissä, Savonlinnassa ja Pieksämäellä.', 'muistikamut.es', '491')
org(6, 'Kallaveden Mielenmaja ry', 'association', 7,
    'Mielenterveyskuntoutujien ja omaisten yhdistys Kuopiossa. Ylläpidämme Klubitalo Majakkaa.', 'mielenmaja.kuopio', '297')
org(7, 'Mielenmaja-liitto ry', 'federation', None,
    'Mielenterveysyhdistysten valtakunnallinen liitto: verkkoryhmiä, kriisichat ja kokemusasiantuntijakoulutusta.', 'mielenmaja', '297')
org(8, 'Varkauden Mielenmaja ry', 'association', 7,
    'Mielenterveysyhdistys Varkaudessa ja Joroisissa.', 'mielenmaja.varkaus', '915')
org(9, 'Savonlinnan Seudun Mielenmaja ry', 'association', 7,
    'Mielen hyvinvoinnin yhdistys Savonlinnan seudulla.', 'mielenmaja.savonlinna', '740')
org(10, 'Syöpäsilta Pohjois-Savo ry', 'district', None,
    'Syöpään sairastuneiden ja heidän läheistensä tukena Pohjois-Savossa.', 'syopasilta.ps', '297')
org(11, 'Syöpäsilta Etelä-Savo ry', 'district', None,
    'Syöpään sairastuneiden ja läheisten yhdistys Etelä-Savossa.', 'syopasilta.es', '491')
org(12, 'Omaisvoima Pohjois-Savo ry', 'association', None,
    'Omaishoitajien ja läheistään tukevien yhdistys: vertaisryhmiä, virkistystä ja neuvontaa.', 'omaisvoima.ps', '297')
org(13, 'Omaisvoima Etelä-Savo ry', 'association', None,
    'Omaishoitajien yhdistys Etelä-Savossa.', 'omaisvoima.es', '491')
org(14, 'Kuopion Parakotkat ry', 'club', None,
    'Soveltavan liikunnan ja parasportin seura Kuopiossa ja Siilinjärvellä.', 'parakotkat', '297')
org(15, 'Mikkelin Soveltavat Liikkujat ry', 'club', None,
    'Liikuntaseura vammaisille ja pitkäaikaissairaille Mikkelissä.', 'soveltavat.mikkeli', '491')
org(16, 'Ystäväpiiri Hopeasiipi ry', 'association', None,
    'Vapaaehtoiset ystävät yksinäisille ikäihmisille Kuopiossa, Siilinjärvellä ja Leppävirralla.', 'hopeasiipi', '297')
org(17, 'Savonlinnan Ystävänkäsi ry', 'association', None,
    'Ystävätoimintaa ja seuraa yksinäisille Savonlinnan seudulla.', 'ystavankasi', '740')
org(18, 'Sydänsillat Pohjois-Savo ry', 'district', None,
    'Sydän- ja verisuonisairaiden yhdistys: kuntoryhmiä, luentoja ja vertaistukea.', 'sydansillat', '297')
org(19, 'Sokeritoverit Savo ry', 'association', None,
    'Diabeetikkojen yhdistys Kuopiossa ja Mikkelissä.', 'sokeritoverit', '297')
org(20, 'Aivosilta Savo ry', 'association', None,
    'Aivoverenkiertohäiriön, MS-taudin ja muiden neurologisten sairauksien kanssa elävien yhdistys.', 'aivosilta', '297')
org(21, 'Nivelystävät Kuopio ry', 'association', None,
    'Reuma- ja nivelsairaiden yhdistys Kuopiossa.', 'nivelystavat', '297')
org(22, 'Hengähdys Itä-Suomi ry', 'association', None,
    'Astma-, allergia- ja keuhkosairaiden yhdistys.', 'hengahdys', '297')
org(23, 'Näköala Savo ry', 'district', None,
    'Näkövammaisten yhdistys Pohjois- ja Etelä-Savossa.', 'nakoala', '297')
org(24, 'Kuuloaalto Savo ry', 'association', None,
    'Huonokuuloisten ja kuuroutuneiden yhdistys.', 'kuuloaalto', '297')
org(25, 'Avannekaverit Itä-Suomi ry', 'association', None,
    'Avanneleikattujen vertaistukiyhdistys.', 'avannekaverit', '297')
org(26, 'Erityinen Arki Pohjois-Savo ry', 'association', None,
    'Kehitysvammaisten ihmisten ja heidän perheidensä yhdistys.', 'erityinenarki', '297')
org(27, 'Kirjon Kipinät ry', 'association', None,
    'Autismikirjon ja ADHD:n kanssa elävien sekä heidän perheidensä yhdistys.', 'kirjonkipinat', '297')
org(28, 'Kirkkaan Lähteen Kilta ry', 'association', None,
    'Päihteettömyyttä tukeva vertaisyhteisö Varkaudessa ja Pieksämäellä.', 'kirkaslahde', '915')
org(29, 'Pelitön Päivä ry', 'association', None,
    'Valtakunnallista vertaistukea rahapeliongelmiin verkossa ja puhelimessa.', 'peliton', '297')
org(30, 'Perhetupa Pieksämäki ry', 'association', None,
    'Lapsiperheiden kohtaamispaikka ja vertaistukea vanhemmille.', 'perhetupa', '593')
org(31, 'Vauvapesä Kuopio ry', 'association', None,
    'Vauvaperheiden ja odottavien perheiden yhdistys.', 'vauvapesa', '297')
org(32, 'Kotoutumisen Kulmakivi ry', 'association', None,
    'Maahan muuttaneiden ja suomalaisten kohtaamisia: kielikahviloita ja neuvontaa.', 'kulmakivi', '297')
org(33, 'Kriisivarjo Savo ry', 'association', None,
    'Kriisiapua ja tukea väkivaltaa kokeneille. Ylläpidämme Kriisikeskus Varjoa.', 'kriisivarjo', '297')
org(34, 'Surun Silta ry', 'association', None,
    'Sururyhmiä läheisensä menettäneille.', 'surunsilta', '297')
org(35, 'Asuntopolku ry', 'association', None,
    'Asunnottomuuden ehkäisyä ja asumisneuvontaa.', 'asuntopolku', '297')
org(36, 'Varkauden Työnhakijat ry', 'association', None,
    'Työttömien yhdistys: ruokajakoa, työnhaun tukea ja yhteisöllistä toimintaa.', 'tyonhakijat', '915')
org(37, 'Juvan Seniorit ry', 'association', None,
    'Ikäihmisten yhdistys Juvalla.', 'juvanseniorit', '178')
org(38, 'Lapinlahden Kyläapu ry', 'association', None,
    'Kylien vapaaehtoisten apua ja seuraa ikäihmisille.', 'kylaapu', '402')
org(39, 'Harvinaiset Helmet ry', 'association', None,
    'Harvinaisia sairauksia sairastavien ja heidän perheidensä valtakunnallinen verkosto.', 'helmet', '297')
org(40, 'Svenska Klubben i Savolax rf', 'association', None,
    'Svenskspråkig förening i Kuopio: träffar, sällskap och kamratstöd på svenska.', 'svenskaklubben', '297')
org(41, 'Uusi Toivo Siilinjärvi ry', 'association', None,
    'Uusi yhdistys, hakemus käsittelyssä.', 'uusitoivo', '749', 'pending')
org(42, 'Hylätty Harrastepiiri ry', 'group', None,
    'Hakemus hylätty: ei sote-toimintaa.', 'hylatty', '420', 'rejected')

def org_email(no):
    return [o for o in ORGS if o[0] == no][0][5] + '@example.org'

# ---------------------------------------------------------------- activities
ACTS = []
KIND_JOIN = {
    'drop-in': 'Tule paikan päälle, ilmoittautumista ei tarvita.',
    'peer-support': 'Ilmoittaudu ryhmänohjaajalle puhelimitse tai sähköpostilla. Ensimmäisellä kerralla voit tulla vain kuuntelemaan.',
    'volunteering': 'Ota yhteyttä koordinaattoriin, niin sovitaan tutustumistapaaminen.',
    'guidance': 'Soita tai lähetä sähköpostia, niin sovitaan aika. Voit tulla myös läheisen kanssa.',
    'exercise': 'Tule mukaan ryhmään; ensimmäinen kerta on maksuton kokeilu.',
    'recreation': 'Ilmoittaudu viimeistään viikkoa ennen. Paikkoja on rajoitetusti.',
    'courses': 'Ilmoittaudu etukäteen sähköpostilla. Kurssi alkaa, kun mukana on vähintään neljä osallistujaa.',
    'rehabilitation': 'Haku hakulomakkeella; tarvitset lääkärin B-lausunnon tai hoitavan tahon suosituksen.',
    'crisis-help': 'Soita tai tule paikalle. Asiointi on luottamuksellista, ja voit asioida nimettömänä.',
    'advocacy': 'Liity jäseneksi tai tule mukaan avoimeen tilaisuuteen.',
    'clubs': 'Tule mukaan kerhoon, ilmoittautumista ei tarvita.',
    'online': 'Ilmoittaudu sähköpostilla, niin saat osallistumislinkin.',
}
FOR_WHOM = {
    'memory': 'muistisairautta sairastaville', 'mental-health': 'mielenterveyden haasteita kohdanneille',
    'cancer': 'syöpään sairastuneille', 'caregivers': 'omaishoitajille ja läheisistään huolehtiville',
    'loneliness': 'yksinäisyyttä kokeville', 'cardiovascular': 'sydänsairaille', 'diabetes': 'diabeetikoille',
    'neurological': 'neurologista sairautta sairastaville', 'musculoskeletal': 'nivel- ja selkävaivaisille',
    'respiratory': 'astmaa, allergiaa tai keuhkosairautta sairastaville', 'visual': 'näkövammaisille',
    'hearing': 'kuulovammaisille ja huonokuuloisille', 'ostomy': 'avanneleikatuille',
    'intellectual-disability': 'kehitysvammaisille', 'autism': 'autismikirjon ja ADHD:n kanssa eläville',
    'physical-disability': 'liikuntavammaisille', 'rare-diseases': 'harvinaista sairautta sairastaville',
    'parenting': 'lapsiperheille ja vanhemmille', 'ageing': 'ikäihmisille', 'livelihood': 'työttömille ja taloushuolissa oleville',
    'integration': 'maahan muuttaneille', 'violence-crisis': 'kriisin tai väkivallan kokeneille',
    'grief': 'läheisensä menettäneille', 'housing': 'asumisen kanssa apua tarvitseville',
    'substance-use': 'päihde- tai peliongelman kanssa eläville',
    'thyroid': 'kilpirauhassairautta sairastaville',
}
ACCESS = ['Esteetön sisäänkäynti ja wc. Induktiosilmukka.', 'Tila on esteetön; hissi toiseen kerrokseen.',
          'Sisäänkäynnillä kaksi porrasta, luiska tilattavissa.', 'Esteetön, pyörätuolilla pääsee.',
          'Esteetön tila, lähellä linja-autopysäkki.']
PEOPLE = ['Aino Esimerkki', 'Pekka Testinen', 'Liisa Kuvitelma', 'Matti Malli', 'Helena Harjoitus',
          'Juha Demola', 'Sanna Sepite', 'Kari Keksitty', 'Marja Mallinen', 'Timo Tarina',
          'Eeva Esikuva', 'Ville Vertainen', 'Anna Aihio', 'Seppo Satunen', 'Tuula Tuokio']
ROLES = {'peer-support': 'vertaisohjaaja', 'drop-in': 'toiminnanohjaaja', 'volunteering': 'vapaaehtoiskoordinaattori',
         'guidance': 'neuvoja', 'exercise': 'liikunnanohjaaja', 'courses': 'kurssisihteeri',
         'rehabilitation': 'kuntoutussuunnittelija', 'crisis-help': 'kriisityöntekijä', 'recreation': 'toiminnanohjaaja',
         'advocacy': 'toiminnanjohtaja', 'clubs': 'kerhonohjaaja', 'online': 'verkko-ohjaaja'}

def act(org_no, name, summary, needs, kinds, tgs, area, schedule, desc='', cost='Maksuton.',
        langs=('fi',), status='published', takes_new=True, cr=True, join=None, for_whom=None):
    ACTS.append(dict(org=org_no, name=name, summary=summary, needs=list(needs), kinds=list(kinds),
                     tgs=list(tgs), area=area, schedule=schedule, desc=desc, cost=cost, langs=list(langs),
                     status=status, takes_new=takes_new, cr=cr, join=join, for_whom=for_whom))

M = lambda *codes: ('municipalities', list(codes))
COUNTY = lambda k: ('county', k)
NATION = ('nationwide', None)
ONLINE = ('online', None)

# --- Siilinjärvi (749): the nurse's three clicks must find several kinds of memory activity
act(3, 'Muistikahvila Siilinjärvellä', 'Avoin kohtaamispaikka muistisairaille ja läheisille kahvin ja juttelun äärellä.',
    ['memory', 'caregivers'], ['drop-in', 'peer-support'], ['older', 'relatives'], M('749'),
    'Joka kuun 1. ja 3. tiistai klo 13–15, Kunnantalon kahvio.',
    'Muistikahvilassa tapaat muita samassa tilanteessa olevia. Mukana on aina muistiyhdistyksen työntekijä, jolta voi kysyä muistisairaudesta, palveluista ja arjen keinoista. Jokaisella kerralla on lyhyt alustus, esimerkiksi muistisairauden ensitiedosta tai liikunnasta.')
act(3, 'Vertaisryhmä muistisairauteen sairastuneille', 'Pienryhmä äskettäin muistisairausdiagnoosin saaneille: tietoa, keskustelua ja toivoa.',
    ['memory'], ['peer-support'], ['working-age', 'older'], M('749'),
    'Torstaisin klo 10–11.30, kahdeksan kertaa syksyllä ja keväällä.',
    'Ryhmä on tarkoitettu vastikään diagnoosin saaneille, myös työikäisinä sairastuneille. Ryhmää ohjaa koulutettu vertaisohjaaja ja muistihoitaja. Keskustelemme sairauden herättämistä tunteista ja siitä, miten arki jatkuu.')
act(3, 'Omaisten vertaisryhmä Siilinjärvi', 'Muistisairaan läheisen ja omaishoitajan oma ryhmä: jaksamista ja kokemusten vaihtoa.',
    ['memory', 'caregivers'], ['peer-support'], ['relatives'], M('749'),
    'Joka toinen maanantai klo 17–18.30, Seurakuntakeskuksen kerhohuone.',
    'Ryhmässä saat kuulla, miten muut ovat ratkaisseet arjen tilanteita. Muistisairas läheisesi voi samaan aikaan osallistua viereisessä tilassa ohjattuun toimintaan.')
act(3, 'Muistiystävä – vapaaehtoinen tukihenkilö kotiin', 'Koulutettu vapaaehtoinen muistiystävä tulee seuraksi ulkoiluun, asiointiin tai kahville.',
    ['memory', 'loneliness'], ['volunteering'], ['older'], M('749', '297'),
    'Sovitaan yhdessä, yleensä kerran viikossa 1–2 tuntia.',
    'Muistiystävä on koulutettu vapaaehtoinen, joka käy muistisairaan luona säännöllisesti. Toiminta on maksutonta ja luottamuksellista. Omainen saa samalla hetken omaa aikaa.')
act(3, 'Muistijumppa ja kävelyryhmä', 'Kevyt tuolijumppa ja lyhyt kävely muistisairaille ja läheisille.',
    ['memory', 'ageing'], ['exercise'], ['older', 'relatives'], M('749'),
    'Keskiviikkoisin klo 10–11, kokoontuminen kirjaston edessä.', cost='2 € / kerta, kahvi sisältyy.')
act(2, 'Ensitietokurssi muistisairaille ja läheisille', 'Kolmen illan kurssi: mikä muistisairaus on, mitä tukea on saatavilla ja miten arki sujuu.',
    ['memory', 'caregivers'], ['courses'], ['working-age', 'older', 'relatives'], M('749', '297', '402'),
    'Kolmena tiistai-iltana klo 17–19, seuraava kurssi alkaa syyskuussa.',
    'Kurssilla muistihoitaja, sosiaalityöntekijä ja kokemusasiantuntija kertovat muistisairaudesta, etuuksista ja palveluista. Kurssi sopii diagnoosin saaneelle ja läheiselle yhdessä.')
act(2, 'Muistiluotsin neuvonta Pohjois-Savo', 'Maksutonta neuvontaa muistiasioissa puhelimitse, sähköpostilla ja vastaanotolla.',
    ['memory', 'caregivers'], ['guidance'], ['working-age', 'older', 'relatives'], COUNTY('PS'),
    'Ma–to klo 9–15; vastaanotolle ajanvarauksella Kuopiossa ja Siilinjärvellä.',
    'Muistiluotsi neuvoo muistisairaita, läheisiä ja ammattilaisia. Voit kysyä muistioireista, tutkimuksiin hakeutumisesta, etuuksista ja siitä, mitä toimintaa lähelläsi on.')
act(1, 'Muistikamut verkossa – vertaisryhmä etänä', 'Valtakunnallinen vertaisryhmä muistisairaille ja läheisille Teams-yhteydellä.',
    ['memory', 'caregivers'], ['peer-support', 'online'], ['working-age', 'older', 'relatives'], ONLINE,
    'Joka toinen keskiviikko klo 18–19.30 verkossa.',
    'Ryhmään osallistutaan kotoa tietokoneella, tabletilla tai puhelimella. Ohjaaja auttaa yhteyden kanssa ennen ensimmäistä kertaa.')
act(1, 'Muistikamut-puhelin', 'Valtakunnallinen neuvontapuhelin muistisairaille, läheisille ja ammattilaisille.',
    ['memory', 'caregivers'], ['guidance', 'online'], ['working-age', 'older', 'relatives'], NATION,
    'Ma–pe klo 10–14.', join='Soita, ajanvarausta ei tarvita.')
act(3, 'Muistitanssit Siilinjärvellä', 'Lavatansseja ja yhteislaulua muistisairaille ja heidän läheisilleen.',
    ['memory'], ['recreation', 'exercise'], ['older', 'relatives'], M('749'),
    'Kerran kuussa lauantaina klo 14–16, Nuorisoseurantalo.', takes_new=True)
act(41, 'Muistikahvila Toivo', 'Uuden yhdistyksen muistikahvila Siilinjärvellä.',
    ['memory'], ['drop-in'], ['older'], M('749'), 'Perjantaisin klo 12–14.')
act(3, 'Muistijumppa Vuorelassa (luonnos)', 'Suunnitteilla oleva muistijumppa Vuorelan koululle.',
    ['memory'], ['exercise'], ['older'], M('749'), 'Aikataulu vahvistuu myöhemmin.', status='draft')

# --- Memory elsewhere
for i, (code, place, org_no) in enumerate([('297', 'Petosen seurakuntatalo', 2), ('140', 'Kulttuurikeskus', 4),
                                           ('263', 'Kirjaston kokoushuone', 4), ('402', 'Palvelutalo Niittyvilla', 4),
                                           ('491', 'Järjestötalo', 5), ('740', 'Kulttuurikellari', 5),
                                           ('593', 'Kansalaisopiston sali', 5), ('420', 'Kunnantalon kahvio', 2)]):
    n, g, l = LOC[code]
    act(org_no, 'Muistikahvila %s' % l, 'Avoin muistikahvila %s: tietoa, vertaistukea ja yhdessäoloa.' % l,
        ['memory', 'caregivers'], ['drop-in'], ['older', 'relatives'], M(code),
        '%s kuukauden %s viikon %s klo 13–15, %s.' % (['Joka', 'Joka', 'Joka'][i % 3], ['ensimmäisen', 'toisen', 'viimeisen'][i % 3],
                                                      ['maanantai', 'tiistai', 'keskiviikko', 'torstai'][i % 4], place),
        'Muistikahvila on kaikille avoin. Tarjolla kahvia, lyhyt alustus ja aikaa keskustella muiden kanssa.',
        takes_new=(i != 5))
act(4, 'Muistisairaiden omaisten ryhmä Iisalmi', 'Vertaisryhmä muistisairaan puolisolle tai lapselle.',
    ['memory', 'caregivers'], ['peer-support'], ['relatives'], M('140', '263', '762', '925'),
    'Kuukauden toinen torstai klo 17–19.')
act(5, 'Työikäisenä muistisairauteen sairastuneiden ryhmä', 'Vertaisryhmä alle 65-vuotiaana sairastuneille ja puolisoille.',
    ['memory'], ['peer-support'], ['working-age', 'relatives'], COUNTY('ES'),
    'Kerran kuussa lauantaina Mikkelissä, kyytiapu järjestetään.')
act(2, 'Muistiryhmä Kuopio (tauolla)', 'Vertaisryhmä on tauolla ohjaajan vaihdoksen vuoksi.',
    ['memory'], ['peer-support'], ['older'], M('297'), 'Tauolla toistaiseksi.', status='paused')
act(5, 'Vanha muistipiiri (päättynyt)', 'Toiminta on päättynyt.',
    ['memory'], ['clubs'], ['older'], M('740'), 'Päättynyt.', status='archived')

# --- Mental health
act(6, 'Klubitalo Majakka', 'Mielenterveyskuntoutujien klubitalo: työpainotteista yhteisöllistä toimintaa arkipäivisin.',
    ['mental-health'], ['drop-in', 'peer-support'], ['youth', 'working-age'], M('297', '749'),
    'Ma–pe klo 8.30–15.30.',
    'Klubitalossa jäsenet ja henkilökunta tekevät yhdessä: keittiö, toimisto, viestintä ja siivous. Klubitalo tukee paluuta opiskeluun ja työelämään. Jäsenyys on maksuton ja vapaaehtoinen.',
    join='Tule tutustumaan arkipäivisin klo 9–14, tai soita ja sovi käynti.')
act(6, 'Masennuksen vertaisryhmä', 'Keskusteluryhmä masennusta ja ahdistusta kokeneille aikuisille.',
    ['mental-health'], ['peer-support'], ['working-age'], M('297'),
    'Tiistaisin klo 17–18.30, 10 kertaa.',
    'Ryhmä kokoontuu suljettuna ryhmänä. Keskustelemme masennuksesta, ahdistuksesta, unesta ja voimavaroista. Ohjaajina kokemusasiantuntija ja psykiatrinen sairaanhoitaja.')
act(6, 'Mielenmaja Siilinjärvi – olohuone', 'Matalan kynnyksen olohuone, jossa voi vain olla, jutella ja juoda kahvit.',
    ['mental-health', 'loneliness'], ['drop-in'], ['working-age', 'older'], M('749'),
    'Maanantaisin ja keskiviikkoisin klo 12–15.')
act(6, 'Omaisten ilta – kun läheinen sairastaa psyykkisesti', 'Vertaisryhmä mielenterveyskuntoutujien omaisille.',
    ['mental-health', 'caregivers'], ['peer-support'], ['relatives'], M('297', '749', '420'),
    'Kuukauden ensimmäinen maanantai klo 17.30–19.')
act(7, 'Mielenmaja-chat', 'Anonyymi keskusteluapu chatissa, kun mieli on maassa.',
    ['mental-health', 'violence-crisis'], ['online', 'crisis-help'], ['youth', 'working-age'], ONLINE,
    'Joka ilta klo 18–22.', join='Avaa chat verkkosivulla, ilmoittautumista ei tarvita.', cr=False)
act(7, 'Kokemusasiantuntijakoulutus', 'Koulutus omaa kokemusta hyödyntäville mielenterveys- ja päihdekuntoutujille.',
    ['mental-health', 'substance-use'], ['courses'], ['working-age'], NATION,
    'Kymmenen lähipäivää ja verkkotehtäviä, alkaa tammikuussa.', cost='50 €, sisältää materiaalit.')
act(7, 'Ahdistuksen hallinta -verkkokurssi', 'Kuuden viikon verkkokurssi ahdistuksen ja paniikkioireiden kanssa eläville.',
    ['mental-health'], ['courses', 'online'], ['youth', 'working-age'], ONLINE, 'Itsenäisesti, ohjattu tapaaminen torstaisin klo 18.')
act(8, 'Mielen olohuone Varkaus', 'Kohtaamispaikka mielen hyvinvoinnista kiinnostuneille.',
    ['mental-health', 'loneliness'], ['drop-in'], ['working-age', 'older'], M('915', '171'),
    'Ti ja to klo 10–14.')
act(8, 'Kaksisuuntaisen mielialahäiriön vertaisryhmä', 'Vertaistukea kaksisuuntaista mielialahäiriötä sairastaville.',
    ['mental-health'], ['peer-support'], ['working-age'], M('915', '171', '593'), 'Joka toinen torstai klo 17–18.30.',
    takes_new=False)
act(9, 'Mielenmaja Savonlinna – kuntoutujien toimintakeskus', 'Päivätoimintaa, ruokailu ja harrastusryhmiä mielenterveyskuntoutujille.',
    ['mental-health'], ['drop-in', 'clubs'], ['working-age', 'older'], M('740', '681', '768', '046'),
    'Ma–to klo 9–14.', cost='Lounas 4 €.')
act(9, 'Nuorten mielen ryhmä', 'Nuorten aikuisten vertaisryhmä, jossa puhutaan jaksamisesta, opiskelusta ja ihmissuhteista.',
    ['mental-health', 'loneliness'], ['peer-support'], ['youth'], M('740'), 'Keskiviikkoisin klo 16–17.30.')
act(6, 'Uupumuksesta toipuvien ryhmä (luonnos)', 'Uusi ryhmä työuupumuksesta toipuville.',
    ['mental-health'], ['peer-support'], ['working-age'], M('297'), 'Alkaa keväällä.', status='draft')

# --- Cancer
for i, code in enumerate(['297', '140', '915', '749']):
    n, g, l = LOC[code]
    act(10, 'Syöpään sairastuneiden vertaisryhmä %s' % l, 'Keskusteluryhmä syöpään sairastuneille hoitojen aikana ja niiden jälkeen.',
        ['cancer'], ['peer-support'], ['working-age', 'older'], M(code),
        ['Kuukauden toinen tiistai klo 14–16.', 'Joka toinen keskiviikko klo 17–18.30.', 'Kuukauden ensimmäinen torstai klo 13–15.', 'Kuukauden viimeinen maanantai klo 17–19.'][i],
        'Ryhmässä voit jakaa kokemuksia sairastumisesta, hoidoista ja toipumisesta. Ohjaajana koulutettu vertaistukihenkilö.')
act(10, 'Rintasyöpään sairastuneiden ryhmä', 'Vertaistukiryhmä rintasyöpään sairastuneille naisille.',
    ['cancer'], ['peer-support'], ['working-age'], COUNTY('PS'), 'Kerran kuussa Kuopiossa, myös etäyhteys.')
act(10, 'Syöpäneuvonta Pohjois-Savo', 'Syöpähoitajan ja sosiaalityöntekijän neuvontaa sairastuneille ja läheisille.',
    ['cancer', 'caregivers'], ['guidance'], ['working-age', 'older', 'relatives'], COUNTY('PS'),
    'Ma–to klo 9–15, myös etävastaanotto.')
act(10, 'Kuntoutumiskurssi syöpähoitojen jälkeen', 'Sopeutumisvalmennuskurssi hoitojen päättymisen jälkeen.',
    ['cancer'], ['rehabilitation'], ['working-age'], NATION, 'Kaksi viiden päivän jaksoa, seuraava alkaa maaliskuussa.')
act(10, 'Liikkeelle syövän jälkeen – kuntosaliryhmä', 'Ohjattu kuntosaliryhmä syöpähoidoista toipuville.',
    ['cancer'], ['exercise'], ['working-age', 'older'], M('297', '749'), 'Perjantaisin klo 10–11, Kuntokeskus Kaari.', cost='3 € / kerta.')
act(11, 'Syöpään sairastuneiden vertaisryhmä Mikkelissä', 'Keskusteluryhmä sairastuneille ja läheisille.',
    ['cancer', 'caregivers'], ['peer-support'], ['working-age', 'older', 'relatives'], M('491'), 'Kuukauden toinen maanantai klo 17–19.')
act(11, 'Syöpäsilta Savonlinna – olohuone', 'Avoin olohuone syöpää sairastaville ja läheisille.',
    ['cancer'], ['drop-in'], ['working-age', 'older', 'relatives'], M('740'), 'Keskiviikkoisin klo 12–15.')
act(11, 'Eturauhassyöpäpotilaiden miesten ryhmä', 'Miesten vertaisryhmä eturauhassyöpään sairastuneille.',
    ['cancer'], ['peer-support'], ['working-age', 'older'], COUNTY('ES'), 'Kerran kuussa, vuorotellen Mikkelissä ja Savonlinnassa.')

# --- Caregivers
for i, code in enumerate(['297', '749', '140', '915', '778', '420']):
    n, g, l = LOC[code]
    act(12, 'Omaishoitajien vertaisryhmä %s' % l, 'Omaishoitajien ryhmä: jaksamista, tietoa ja hengähdystauko arkeen.',
        ['caregivers'], ['peer-support'], ['relatives', 'older'], M(code),
        ['Joka toinen tiistai klo 13–15.', 'Kuukauden ensimmäinen keskiviikko klo 17–19.', 'Torstaisin klo 13–14.30.',
         'Kuukauden toinen maanantai klo 13–15.', 'Kuukauden viimeinen tiistai klo 13–15.', 'Joka toinen perjantai klo 10–12.'][i],
        'Ryhmässä voit puhua omaishoitajuuden iloista ja raskaista hetkistä. Hoidettavalle järjestetään tarvittaessa sijaishoito ryhmän ajaksi.',
        takes_new=(i != 3))
act(12, 'Omaishoitajien virkistyspäivä', 'Virkistyspäivä kylpylässä omaishoitajille, hoidettava voi tulla mukaan.',
    ['caregivers'], ['recreation'], ['relatives'], COUNTY('PS'), 'Kaksi kertaa vuodessa, keväällä ja syksyllä.', cost='20 €, sisältää ruokailun ja kuljetuksen.')
act(12, 'Omaishoidon neuvonta', 'Neuvontaa omaishoidon tuesta, vapaapäivistä ja palveluista.',
    ['caregivers'], ['guidance'], ['relatives'], COUNTY('PS'), 'Ma–to klo 9–15.')
act(12, 'Omaishoitajien valmennuskurssi', 'Kurssi uusille omaishoitajille: etuudet, oma jaksaminen, apuvälineet.',
    ['caregivers'], ['courses'], ['relatives'], M('297', '749', '420'), 'Neljä kertaa lokakuussa, tiistaisin klo 17–19.')
act(13, 'Omaishoitajien vertaisryhmä Mikkeli', 'Vertaistukiryhmä omaishoitajille Mikkelissä.',
    ['caregivers'], ['peer-support'], ['relatives'], M('491'), 'Joka toinen keskiviikko klo 13–15.')
act(13, 'Omaishoitajien vertaisryhmä Juva', 'Vertaisryhmä ja virkistystä juvalaisille omaishoitajille.',
    ['caregivers'], ['peer-support', 'recreation'], ['relatives'], M('178'), 'Kuukauden ensimmäinen tiistai klo 13–15.')
act(13, 'Omaishoitajien vertaisryhmä Pieksämäki', 'Vertaisryhmä omaishoitajille.',
    ['caregivers'], ['peer-support'], ['relatives'], M('593'), 'Kuukauden toinen torstai klo 17–19.')
act(13, 'Omaisneuvonta Etelä-Savo', 'Neuvontaa ja keskusteluapua omaishoitajille.',
    ['caregivers'], ['guidance'], ['relatives'], COUNTY('ES'), 'Ma–pe klo 9–15.')

# --- Exercise for disabled / long-term ill
act(14, 'Boccia kaikille', 'Boccia-ryhmä pyörätuolin käyttäjille ja kaikille, joille liikkuminen on hankalaa.',
    ['physical-disability', 'neurological'], ['exercise', 'clubs'], ['working-age', 'older'], M('297', '749'),
    'Maanantaisin klo 17–18.30, Urheilutalon pieni sali.', cost='Jäsenmaksu 25 € / vuosi.')
act(14, 'Soveltava uintiryhmä', 'Ohjattu uintiryhmä liikunta- ja näkövammaisille.',
    ['physical-disability', 'visual'], ['exercise'], ['children', 'youth', 'working-age'], M('297'),
    'Keskiviikkoisin klo 18–19, Uimahalli.', cost='Uimahallimaksu.')
act(14, 'Parasport-kerho lapsille ja nuorille', 'Liikuntakerho vammaisille lapsille ja nuorille: pallopelit, yleisurheilu, tanssi.',
    ['physical-disability', 'intellectual-disability', 'autism'], ['exercise', 'clubs'], ['children', 'youth'], M('297', '749'),
    'Lauantaisin klo 10–11.30.', cost='40 € / kausi.')
act(14, 'Pyörätuolikoripallo', 'Harrastetason pyörätuolikoripallo aikuisille.',
    ['physical-disability'], ['exercise'], ['youth', 'working-age'], M('297'), 'Torstaisin klo 19–20.30.', takes_new=False)
act(15, 'Tuolijumppa ikääntyneille', 'Kevyt tuolijumppa, sopii myös muistisairaille ja huonosti liikkuville.',
    ['ageing', 'physical-disability', 'memory'], ['exercise'], ['older'], M('491'), 'Tiistaisin klo 10–11.', cost='2 € / kerta.')
act(15, 'Soveltava kuntosali Mikkeli', 'Ohjattu kuntosalivuoro pitkäaikaissairaille ja vammaisille.',
    ['physical-disability', 'musculoskeletal', 'neurological'], ['exercise'], ['working-age', 'older'], M('491', '097'), 'Ma ja to klo 13–14.30.')
act(15, 'Näkövammaisten kävelyryhmä', 'Kävelyryhmä näkövammaisille opaskävelijöiden kanssa.',
    ['visual'], ['exercise', 'volunteering'], ['working-age', 'older'], M('491'), 'Perjantaisin klo 10–11.')

# --- Loneliness, volunteering, ageing
for i, code in enumerate(['297', '749', '420']):
    n, g, l = LOC[code]
    act(16, 'Ystäväpalvelu %s' % l, 'Vapaaehtoinen ystävä yksinäiselle ikäihmiselle: seuraa, ulkoilua ja juttelua.',
        ['loneliness', 'ageing'], ['volunteering'], ['older'], M(code), 'Sovitaan ystävän kanssa, yleensä viikoittain.',
        'Ystäväpalvelun vapaaehtoiset on koulutettu ja heillä on vaitiolovelvollisuus. Ystävä voi tulla kotiin tai palvelutaloon.',
        takes_new=(code != '297'))
act(16, 'Ulkoiluystävät', 'Vapaaehtoinen ulkoiluystävä ikäihmiselle, joka ei pääse yksin ulos.',
    ['loneliness', 'ageing', 'physical-disability'], ['volunteering', 'exercise'], ['older'], M('297', '749'), 'Arkisin sovittaessa.')
act(16, 'Puhelinystävä', 'Säännöllinen puhelu vapaaehtoiselta ystävältä kerran viikossa.',
    ['loneliness', 'ageing'], ['volunteering', 'online'], ['older'], COUNTY('PS'), 'Kerran viikossa sovittuna aikana.')
act(16, 'Ryhmätoiminta yksinäisille ikäihmisille', 'Kahdentoista kerran ryhmä, jossa tutustutaan ja löydetään uusia ystäviä.',
    ['loneliness', 'ageing'], ['peer-support', 'clubs'], ['older'], M('297'), 'Tiistaisin klo 13–15, syys- ja kevätkausi.')
act(16, 'Vapaaehtoiseksi ystäväksi – peruskurssi', 'Koulutus uusille vapaaehtoisille ystäville.',
    ['loneliness'], ['courses', 'volunteering'], ['working-age', 'older'], M('297', '749', '420'), 'Kaksi lauantaita, syyskuu.')
act(17, 'Ystävänkäsi – kotiin tuleva ystävä', 'Vapaaehtoinen ystävä yksinäiselle Savonlinnan seudulla.',
    ['loneliness', 'ageing'], ['volunteering'], ['older'], M('740', '681', '768'), 'Sovitaan yhdessä.')
act(17, 'Kävelykaverit Savonlinna', 'Yhteiset kävelylenkit kaikenikäisille, jotka kaipaavat seuraa.',
    ['loneliness'], ['exercise', 'volunteering'], ['working-age', 'older'], M('740'), 'Sunnuntaisin klo 12, lähtö torilta.')
act(17, 'Yhteinen pöytä – yhteislounas', 'Viikoittainen yhteislounas ja juttuseura.',
    ['loneliness', 'livelihood'], ['drop-in'], ['working-age', 'older'], M('740'), 'Torstaisin klo 11–13.', cost='3 €.')
act(37, 'Seniorien kerho Juva', 'Kerho eläkeläisille: esitelmiä, laulua ja kahvia.',
    ['ageing', 'loneliness'], ['clubs'], ['older'], M('178'), 'Maanantaisin klo 13–15.', cost='Jäsenmaksu 15 € / vuosi.')
act(37, 'Seniorien retket', 'Päiväretkiä teatteriin ja kesäteatteriin.',
    ['ageing'], ['recreation'], ['older'], M('178', '768', '740'), 'Noin kerran kuussa.', cost='Omakustanteinen.')
act(37, 'Digituki senioreille', 'Apua älypuhelimen, tabletin ja verkkopankin käyttöön.',
    ['ageing'], ['guidance', 'clubs'], ['older'], M('178'), 'Keskiviikkoisin klo 10–12, kirjasto.')
act(38, 'Kyläapu – asiointiapu ja seura', 'Kylän vapaaehtoiset auttavat kaupassa käynnissä ja tulevat seuraksi.',
    ['ageing', 'loneliness'], ['volunteering'], ['older'], M('402'), 'Arkisin sopimuksen mukaan.')
act(38, 'Kyläkahvila Lapinlahti', 'Kohtaamispaikka kylän väelle, erityisesti yksin asuville.',
    ['loneliness', 'ageing'], ['drop-in'], ['older', 'working-age'], M('402'), 'Torstaisin klo 10–13, kyläkoulu.')

# --- Cardiovascular, diabetes, neurological, musculoskeletal, respiratory
act(18, 'Sydänkerho Kuopio', 'Sydänsairaiden vertaistuki- ja liikuntaryhmä.',
    ['cardiovascular'], ['peer-support', 'exercise'], ['working-age', 'older'], M('297'), 'Maanantaisin klo 14–15.30.')
act(18, 'Sydänkerho Suonenjoki', 'Sydänkerho: jumppaa, luentoja ja vertaistukea.',
    ['cardiovascular'], ['peer-support', 'exercise'], ['older'], M('778'), 'Joka toinen tiistai klo 13–15.')
act(18, 'Sydänluennot', 'Kardiologin ja ravitsemusterapeutin yleisöluentoja sydänterveydestä.',
    ['cardiovascular'], ['courses'], ['working-age', 'older'], COUNTY('PS'), 'Neljä kertaa vuodessa, myös verkossa.')
act(18, 'Sydänkuntoutujien kuntosali', 'Ohjattu kuntosaliryhmä sydäninfarktin tai sydänleikkauksen jälkeen.',
    ['cardiovascular'], ['exercise', 'rehabilitation'], ['working-age', 'older'], M('297', '749'), 'Tiistaisin ja perjantaisin klo 9–10.', cost='4 € / kerta.')
act(19, 'Diabeetikkojen vertaisryhmä Kuopio', 'Vertaistukea tyypin 1 ja tyypin 2 diabeetikoille.',
    ['diabetes'], ['peer-support'], ['working-age', 'older'], M('297', '749'), 'Kuukauden ensimmäinen keskiviikko klo 17–18.30.')
act(19, 'Diabetesneuvonta', 'Diabeteshoitajan neuvontaa verensokerista, ruokavaliosta ja liikunnasta.',
    ['diabetes'], ['guidance'], ['working-age', 'older'], M('297', '491'), 'Tiistaisin klo 10–12.')
act(19, 'Diabeetikkolasten perheleiri', 'Viikonloppuleiri diabetesta sairastaville lapsille ja perheille.',
    ['diabetes', 'parenting'], ['recreation', 'rehabilitation'], ['children', 'families'], NATION, 'Kesäkuussa, perjantaista sunnuntaihin.', cost='60 € / perhe.')
act(19, 'Diabeetikkojen kävelyryhmä Mikkeli', 'Reipas kävely ja verensokerin seurantaa yhdessä.',
    ['diabetes'], ['exercise'], ['working-age', 'older'], M('491'), 'Torstaisin klo 17.')
act(20, 'AVH-kerho', 'Aivoverenkiertohäiriön sairastaneiden ja läheisten vertaisryhmä.',
    ['neurological', 'caregivers'], ['peer-support'], ['working-age', 'older', 'relatives'], M('297', '749'), 'Joka toinen keskiviikko klo 13–15.')
act(20, 'Afasiaryhmä', 'Puheen ja kommunikoinnin ryhmä afasiaa sairastaville.',
    ['neurological'], ['peer-support', 'rehabilitation'], ['working-age', 'older'], M('297'), 'Maanantaisin klo 10–11.30.')
act(20, 'MS-vertaisryhmä', 'Vertaistukea MS-tautia sairastaville.',
    ['neurological'], ['peer-support'], ['working-age'], COUNTY('PS'), 'Kuukauden toinen lauantai klo 12–14.')
act(20, 'Parkinson-liikuntaryhmä', 'Tasapaino- ja liikkuvuusharjoittelua Parkinsonin tautia sairastaville.',
    ['neurological'], ['exercise'], ['older'], M('297', '915'), 'Torstaisin klo 11–12.')
act(20, 'Epilepsiaa sairastavien nuorten verkkoryhmä', 'Nuorten vertaisryhmä verkossa.',
    ['neurological'], ['peer-support', 'online'], ['youth'], ONLINE, 'Joka toinen maanantai klo 18–19.')
act(21, 'Nivelreumaryhmä', 'Vertaistukea nivelreumaa sairastaville.',
    ['musculoskeletal'], ['peer-support'], ['working-age', 'older'], M('297'), 'Kuukauden viimeinen tiistai klo 17–18.30.')
act(21, 'Lämminvesijumppa', 'Vesijumppa lämpimässä altaassa nivel- ja selkävaivaisille.',
    ['musculoskeletal'], ['exercise'], ['working-age', 'older'], M('297', '749'), 'Maanantaisin ja torstaisin klo 15–16.', cost='6 € / kerta.')
act(21, 'Kivun kanssa eläminen -kurssi', 'Kurssi kroonisen kivun kanssa eläville: kivunhallinta, uni ja liikunta.',
    ['musculoskeletal'], ['courses'], ['working-age'], COUNTY('PS'), 'Viisi kertaa keväällä, verkossa ja Kuopiossa.')
act(22, 'Astmaatikkojen vertaisryhmä', 'Vertaistukea astmaa ja keuhkoahtaumatautia sairastaville.',
    ['respiratory'], ['peer-support'], ['working-age', 'older'], M('297'), 'Kuukauden ensimmäinen tiistai klo 17–18.30.')
act(22, 'Hengitysjumppa', 'Hengitysharjoituksia ja kevyttä liikuntaa keuhkosairaille.',
    ['respiratory'], ['exercise'], ['older'], M('297', '749', '420'), 'Keskiviikkoisin klo 10–11.')
act(22, 'Allergiaperheiden verkkoilta', 'Ruoka-allergisten lasten vanhempien keskusteluilta verkossa.',
    ['respiratory', 'parenting'], ['peer-support', 'online'], ['families'], ONLINE, 'Kuukauden toinen torstai klo 19–20.')

# --- Sensory, ostomy, thyroid
act(23, 'Näkövammaisten olohuone Kuopio', 'Kohtaamispaikka näkövammaisille: lehtien lukua, apuvälineneuvontaa ja kahvit.',
    ['visual'], ['drop-in', 'guidance'], ['working-age', 'older'], M('297'), 'Ti ja to klo 10–14.')
act(23, 'Näkövammaisten kerho Mikkeli', 'Kerho ja vertaistukea heikkonäköisille ja sokeille.',
    ['visual'], ['peer-support', 'clubs'], ['older'], M('491'), 'Joka toinen keskiviikko klo 13–15.')
act(23, 'Näönmenetyksen ensitieto', 'Kurssi äskettäin näkönsä menettäneille ja läheisille.',
    ['visual'], ['rehabilitation', 'courses'], ['working-age', 'older', 'relatives'], COUNTY('PS'), 'Kaksi päivää keväällä ja syksyllä.')
act(24, 'Kuulokojeneuvonta', 'Vertaisneuvojat auttavat kuulokojeen käytössä ja huollossa.',
    ['hearing'], ['guidance', 'volunteering'], ['older'], M('297', '749', '140'), 'Kuukauden ensimmäinen maanantai klo 10–12.')
act(24, 'Tinnitusryhmä', 'Vertaistukea korvien soimisen kanssa eläville.',
    ['hearing'], ['peer-support'], ['working-age', 'older'], M('297'), 'Kuukauden toinen keskiviikko klo 17–18.30.')
act(24, 'Viittomakielen alkeet', 'Viittomakielen alkeiskurssi kuuroutuneille ja läheisille.',
    ['hearing'], ['courses'], ['working-age', 'older', 'relatives'], M('297'), 'Maanantaisin klo 17–18.30, 10 kertaa.', cost='35 €.')
act(25, 'Avanneleikattujen vertaistapaaminen', 'Vertaistukea avanneleikatuille ja läheisille, mukana avannehoitaja.',
    ['ostomy'], ['peer-support', 'guidance'], ['working-age', 'older'], COUNTY('PS'), 'Neljä kertaa vuodessa Kuopiossa.')
act(25, 'Avannekaverit-puhelin', 'Valtakunnallinen vertaistukipuhelin avanneleikkausta odottaville ja leikatuille.',
    ['ostomy'], ['peer-support', 'online'], ['working-age', 'older'], NATION, 'Ma ja ke klo 17–19.')
act(22, 'Kilpirauhasryhmä', 'Vertaistukea kilpirauhasen vajaatoimintaa sairastaville.',
    ['thyroid'], ['peer-support'], ['working-age'], M('297'), 'Kuukauden viimeinen torstai klo 17–18.30.')

# --- Disabilities, autism, rare diseases
act(26, 'Perheiden olohuone', 'Kehitysvammaisten lasten perheiden kohtaamispaikka.',
    ['intellectual-disability', 'parenting'], ['drop-in', 'peer-support'], ['families', 'children'], M('297', '749'), 'Lauantaisin klo 10–13.')
act(26, 'Aikuisten harrastekerho', 'Kerho kehitysvammaisille aikuisille: musiikkia, kädentaitoja, pelejä.',
    ['intellectual-disability'], ['clubs'], ['working-age'], M('297'), 'Tiistaisin klo 17–19.')
act(26, 'Selkokielinen tukihenkilötoiminta', 'Vapaaehtoinen tukihenkilö kehitysvammaiselle nuorelle tai aikuiselle.',
    ['intellectual-disability', 'loneliness'], ['volunteering'], ['youth', 'working-age'], COUNTY('PS'), 'Sovitaan yhdessä.')
act(27, 'Nepsy-vanhempien vertaisryhmä', 'Vertaistukea autismikirjon ja ADHD-lasten vanhemmille.',
    ['autism', 'parenting'], ['peer-support'], ['families'], M('297', '749'), 'Joka toinen tiistai klo 18–19.30.')
act(27, 'Kirjon nuorten pelikerho', 'Peli- ja harrastekerho autismikirjon nuorille.',
    ['autism', 'loneliness'], ['clubs'], ['youth'], M('297'), 'Perjantaisin klo 16–18.')
act(27, 'Aikuisena ADHD – verkkoryhmä', 'Vertaisryhmä aikuisena ADHD-diagnoosin saaneille.',
    ['autism'], ['peer-support', 'online'], ['working-age'], ONLINE, 'Kuukauden ensimmäinen keskiviikko klo 18–19.30.')
act(39, 'Harvinaiset-verkkotapaamiset', 'Valtakunnalliset verkkotapaamiset harvinaista sairautta sairastaville ja perheille.',
    ['rare-diseases'], ['peer-support', 'online'], ['working-age', 'families'], ONLINE, 'Kerran kuussa sunnuntaina klo 18.')
act(39, 'Harvinaisten perheiden sopeutumisvalmennus', 'Perhekurssi lapsen harvinaisen diagnoosin jälkeen.',
    ['rare-diseases', 'parenting'], ['rehabilitation'], ['families', 'children'], NATION, 'Kaksi viikonloppua vuodessa.')
act(39, 'Harvinaisten neuvonta', 'Neuvontaa etuuksista ja palveluista harvinaisen diagnoosin jälkeen.',
    ['rare-diseases'], ['guidance'], ['working-age', 'families'], NATION, 'Ma–to klo 9–12.')

# --- Substance use, gambling
act(28, 'Kirkkaan Lähteen vertaisryhmä', 'Päihteettömyyttä tukeva vertaisryhmä alkoholista toipuville.',
    ['substance-use'], ['peer-support'], ['working-age'], M('915', '171'), 'Maanantaisin ja torstaisin klo 18–19.30.')
act(28, 'Päihteetön olohuone Pieksämäki', 'Päihteetön kohtaamispaikka ja yhteisiä aterioita.',
    ['substance-use', 'loneliness'], ['drop-in'], ['working-age', 'older'], M('593'), 'Ma–pe klo 10–14.', cost='Lounas 3 €.')
act(28, 'Läheisten ryhmä – kun läheinen juo', 'Vertaisryhmä päihteitä käyttävien läheisille.',
    ['substance-use', 'caregivers'], ['peer-support'], ['relatives'], M('915', '593'), 'Joka toinen keskiviikko klo 17–18.30.')
act(29, 'Pelitön Päivä -chat', 'Anonyymi vertaischat rahapeliongelmasta kärsiville ja läheisille.',
    ['substance-use'], ['online', 'peer-support'], ['youth', 'working-age', 'relatives'], ONLINE, 'Joka ilta klo 19–21.', cr=False)
act(29, 'Peliongelmaisten puhelinryhmä', 'Suljettu puhelinryhmä rahapeliriippuvuudesta toipuville.',
    ['substance-use'], ['online', 'peer-support'], ['working-age'], NATION, 'Tiistaisin klo 18–19, 8 kertaa.', takes_new=False)

# --- Families, integration, crisis, grief, housing, livelihood
act(30, 'Perhetupa – avoin kohtaamispaikka', 'Lapsiperheiden avoin kohtaamispaikka: leikkiä, kahvia ja vertaistukea.',
    ['parenting'], ['drop-in'], ['families', 'children'], M('593'), 'Ma, ke ja pe klo 9–12.')
act(30, 'Yksinhuoltajien vertaisryhmä', 'Vertaistukea yksin lapsiaan kasvattaville.',
    ['parenting', 'loneliness'], ['peer-support'], ['families'], M('593', '491'), 'Joka toinen torstai klo 17–19, lapsille hoito.')
act(30, 'Eroperheiden tuki', 'Keskusteluapua ja vertaisryhmä eron kokeneille vanhemmille.',
    ['parenting'], ['peer-support', 'guidance'], ['families'], COUNTY('ES'), 'Syys- ja kevätkaudella kahdeksan kertaa.')
act(31, 'Vauvaperheiden kohtaamispaikka', 'Avoin aamupäivä vauvaperheille.',
    ['parenting'], ['drop-in', 'peer-support'], ['families', 'children'], M('297', '749'), 'Tiistaisin klo 10–12.')
act(31, 'Vauvaperheiden kotiapu', 'Vapaaehtoinen tukihenkilö vauvaperheen arkeen.',
    ['parenting', 'loneliness'], ['volunteering'], ['families'], M('297', '749'), 'Kerran viikossa, sovitaan yhdessä.')
act(31, 'Synnytyksen jälkeisen masennuksen ryhmä', 'Vertaisryhmä äideille, joilla on synnytyksen jälkeistä masennusta.',
    ['parenting', 'mental-health'], ['peer-support'], ['families', 'working-age'], M('297'), 'Keskiviikkoisin klo 10–11.30, lapset mukaan.')
act(32, 'Kielikahvila Kuopio', 'Harjoittele suomea rennossa seurassa. Kaikki tasot tervetulleita.',
    ['integration', 'loneliness'], ['drop-in', 'courses'], ['youth', 'working-age', 'older'], M('297'),
    'Maanantaisin klo 17–19, pääkirjasto.', langs=('fi', 'en'),
    desc='Practice Finnish with volunteers in a relaxed café. Everyone is welcome, no registration needed. Also help with forms and services.')
act(32, 'Kielikahvila Mikkeli', 'Suomen kielen harjoittelua ja kohtaamisia.',
    ['integration'], ['drop-in'], ['working-age'], M('491'), 'Keskiviikkoisin klo 17–19.', langs=('fi', 'en'),
    desc='Language café: practice Finnish, meet people and get advice.')
act(32, 'Neuvontapiste maahan muuttaneille', 'Apua lomakkeisiin, Kela-asiointiin ja palveluihin usealla kielellä.',
    ['integration', 'livelihood'], ['guidance'], ['working-age', 'families'], M('297', '749'),
    'Ti ja to klo 12–16.', langs=('fi', 'en', 'ar', 'ru'),
    desc='Advice for immigrants in Finnish, English, Arabic and Russian: forms, Kela, housing and work.')
act(32, 'Naisten kohtaamispaikka', 'Maahan muuttaneiden ja suomalaisten naisten yhteinen olohuone.',
    ['integration', 'loneliness'], ['drop-in', 'clubs'], ['working-age'], M('297'), 'Torstaisin klo 10–13, lastenhoito järjestetty.', langs=('fi', 'en'))
act(33, 'Kriisikeskus Varjo', 'Maksutonta kriisiapua äkillisissä elämänkriiseissä, myös ilman ajanvarausta.',
    ['violence-crisis', 'mental-health', 'grief'], ['crisis-help', 'guidance'], ['youth', 'working-age', 'older'], COUNTY('PS'),
    'Ma–pe klo 9–16; kriisipuhelin joka päivä klo 16–22.',
    'Kriisikeskuksen työntekijät ja koulutetut vapaaehtoiset tarjoavat keskusteluapua esimerkiksi eron, onnettomuuden, läheisen kuoleman tai väkivallan jälkeen. Käynnit ovat maksuttomia ja luottamuksellisia.')
act(33, 'Lähisuhdeväkivallan kokeneiden ryhmä', 'Suljettu vertaisryhmä väkivaltaa parisuhteessa kokeneille naisille.',
    ['violence-crisis'], ['peer-support'], ['working-age'], M('297', '749'), 'Kymmenen kertaa, torstaisin klo 17–19.', takes_new=False)
act(33, 'Kriisiapu Mikkeli', 'Kriisikeskuksen etätoimipiste Mikkelissä.',
    ['violence-crisis'], ['crisis-help'], ['youth', 'working-age', 'older'], M('491'), 'Tiistaisin ja torstaisin klo 10–16.')
act(33, 'Itsetuhoisten nuorten chat', 'Nimetön chat nuorille, joilla on itsetuhoisia ajatuksia.',
    ['violence-crisis', 'mental-health'], ['crisis-help', 'online'], ['youth'], ONLINE, 'Joka päivä klo 17–23.', cr=False)
act(34, 'Sururyhmä Kuopio', 'Vertaisryhmä läheisensä menettäneille aikuisille.',
    ['grief'], ['peer-support'], ['working-age', 'older'], M('297', '749'), 'Kahdeksan kertaa, maanantaisin klo 17–19.')
act(34, 'Sururyhmä Savonlinna', 'Vertaisryhmä läheisensä menettäneille.',
    ['grief'], ['peer-support'], ['working-age', 'older'], M('740'), 'Joka toinen tiistai klo 17–18.30.')
act(34, 'Itsemurhan tehneiden läheisten verkkoryhmä', 'Vertaisryhmä itsemurhan kautta läheisensä menettäneille.',
    ['grief', 'violence-crisis'], ['peer-support', 'online'], ['working-age', 'relatives'], ONLINE, 'Kuukauden toinen keskiviikko klo 18–19.30.')
act(34, 'Leskien kahvila', 'Leskeksi jääneiden kohtaamispaikka.',
    ['grief', 'loneliness'], ['drop-in'], ['older'], M('297'), 'Kuukauden viimeinen perjantai klo 13–15.')
act(35, 'Asumisneuvonta', 'Neuvontaa vuokravelkoihin, häätöuhkaan ja asunnon hakemiseen.',
    ['housing', 'livelihood'], ['guidance'], ['youth', 'working-age', 'older'], M('297', '749', '420'), 'Ma–to klo 9–15.')
act(35, 'Asunnottomien päiväkeskus', 'Matalan kynnyksen päiväkeskus: aamupala, pesumahdollisuus ja neuvontaa.',
    ['housing', 'substance-use', 'livelihood'], ['drop-in', 'guidance'], ['youth', 'working-age'], M('297'), 'Ma–pe klo 8–14.')
act(35, 'Nuorten asumisen tukihenkilöt', 'Vapaaehtoinen tukihenkilö nuorelle ensimmäiseen omaan kotiin.',
    ['housing'], ['volunteering'], ['youth'], M('297'), 'Sovitaan yhdessä.')
act(36, 'Ruokajako Varkaus', 'Viikoittainen ruoka-apu ja yhteinen kahvihetki.',
    ['livelihood', 'loneliness'], ['drop-in'], ['working-age', 'older', 'families'], M('915', '171'), 'Torstaisin klo 12–14.', cr=False)
act(36, 'Työnhaun tukiryhmä', 'Vertaisryhmä työnhakijoille: CV, työhakemukset ja jaksaminen.',
    ['livelihood'], ['peer-support', 'courses'], ['youth', 'working-age'], M('915', '740'), 'Keskiviikkoisin klo 10–12.')
act(36, 'Velkaneuvonnan ilta', 'Talous- ja velkaneuvojan ilta: tule kysymään nimettömänä.',
    ['livelihood'], ['guidance'], ['working-age'], M('915'), 'Kuukauden ensimmäinen tiistai klo 16–18.')

# --- Swedish-language activities
act(40, 'Kamratstödsgrupp för anhöriga', 'Kamratstöd på svenska för anhöriga och närståendevårdare.',
    ['caregivers', 'memory'], ['peer-support'], ['relatives'], COUNTY('PS'),
    'Första tisdagen i månaden kl. 17–18.30, i Kuopio.', langs=('sv',),
    desc='En grupp på svenska för dig som vårdar en närstående, till exempel en person med minnessjukdom. Vi delar erfarenheter och ger varandra stöd.',
    join='Anmäl dig till gruppledaren per e-post eller telefon.', cost='Avgiftsfri.')
act(40, 'Svenska träffen', 'Träffpunkt på svenska: sällskap, kaffe och samtal för äldre.',
    ['loneliness', 'ageing'], ['drop-in', 'clubs'], ['older'], M('297', '749'),
    'Onsdagar kl. 13–15.', langs=('sv',), desc='Kom med i gemenskapen! Vi träffas varje vecka, sjunger och pratar.',
    join='Kom på plats, ingen anmälan behövs.', cost='Avgiftsfri.')
act(40, 'Stödperson på svenska', 'Frivillig stödperson för ensamma äldre som talar svenska.',
    ['loneliness'], ['volunteering'], ['older'], NATION, 'Enligt överenskommelse.', langs=('sv',),
    desc='Vänverksamhet för svenskspråkiga äldre över hela landet, också per telefon.', join='Kontakta koordinatorn.', cost='Avgiftsfri.')
act(32, 'English-speaking parents group', 'Peer support group in English for immigrant families with small children.',
    ['parenting', 'integration'], ['peer-support'], ['families'], M('297'), 'Saturdays 10–12, every other week.', langs=('en',),
    desc='A friendly group for parents who speak English: play, share experiences, get advice about Finnish family services.',
    join='Just come, no registration needed.', cost='Free.')

# --- More variety to reach ~150, county-wide/ nationwide / online
act(12, 'Omaishoitajien verkkoryhmä', 'Verkkoryhmä omaishoitajille, joiden on vaikea lähteä kotoa.',
    ['caregivers'], ['peer-support', 'online'], ['relatives'], ONLINE, 'Maanantaisin klo 19–20.')
act(2, 'Muistiluento Iisalmessa: arki muistisairauden kanssa', 'Avoin yleisöluento muistisairauksista.',
    ['memory'], ['courses'], ['working-age', 'older', 'relatives'], M('140'), 'Huhtikuussa, tiistai klo 18–19.30.')
act(4, 'Muistiystävät Kiuruvesi', 'Vapaaehtoiset muistiystävät kotona asuville muistisairaille.',
    ['memory', 'loneliness'], ['volunteering'], ['older'], M('263', '140'), 'Sovitaan yhdessä.')
act(5, 'Muistisairaiden liikuntaryhmä Savonlinna', 'Liikuntaa ja tasapainoharjoituksia muistisairaille.',
    ['memory', 'ageing'], ['exercise'], ['older'], M('740'), 'Torstaisin klo 10–11.')
act(5, 'Muistiluotsi Etelä-Savo', 'Neuvontaa muistisairaille ja läheisille koko Etelä-Savossa.',
    ['memory', 'caregivers'], ['guidance'], ['working-age', 'older', 'relatives'], COUNTY('ES'), 'Ma–to klo 9–15.')
act(1, 'Muistikuntoutuskurssi pariskunnille', 'Sopeutumisvalmennuskurssi muistisairaalle ja puolisolle.',
    ['memory', 'caregivers'], ['rehabilitation'], ['older', 'relatives'], NATION, 'Viisi päivää + kolme päivää, haku jatkuva.')
act(7, 'Vertaistukiryhmä kaksisuuntaisille – verkossa', 'Valtakunnallinen verkkovertaisryhmä.',
    ['mental-health'], ['peer-support', 'online'], ['working-age'], ONLINE, 'Maanantaisin klo 18–19.30.')
act(9, 'Mielen hyvinvoinnin kävelyt', 'Yhteinen kävely ja keskustelu luonnossa.',
    ['mental-health'], ['exercise', 'peer-support'], ['working-age', 'older'], M('740', '681'), 'Sunnuntaisin klo 11.')
act(6, 'Klubitalon kesäretki', 'Kesäretki klubitalon jäsenille ja uusille tutustujille.',
    ['mental-health'], ['recreation'], ['working-age'], M('297', '749'), 'Kesäkuussa.', cost='10 €.')
act(8, 'Mielenterveysomaisten neuvonta', 'Neuvontaa ja keskusteluapua omaisille.',
    ['mental-health', 'caregivers'], ['guidance'], ['relatives'], M('915', '171', '593'), 'Tiistaisin klo 12–16.')
act(18, 'Verenpainekurssi', 'Kurssi kohonneen verenpaineen hoidosta ja elintavoista.',
    ['cardiovascular'], ['courses'], ['working-age', 'older'], M('778', '686', '297'), 'Neljä kertaa, syyskuu.')
act(20, 'Aivovammaisten vertaisryhmä', 'Vertaistukea aivovamman saaneille ja läheisille.',
    ['neurological'], ['peer-support'], ['working-age', 'relatives'], COUNTY('PS'), 'Kuukauden toinen tiistai klo 17–19.')
act(14, 'Seniorien kuntosali Siilinjärvi', 'Ohjattu kuntosaliryhmä ikääntyneille, myös apuvälineitä käyttäville.',
    ['ageing', 'physical-disability'], ['exercise'], ['older'], M('749'), 'Maanantaisin ja keskiviikkoisin klo 9–10.', cost='3 € / kerta.')
act(16, 'Joulujuhla yksin jääville', 'Jouluaaton juhla ja ateria yksin jääville.',
    ['loneliness'], ['recreation'], ['working-age', 'older'], M('297'), 'Jouluaattona klo 12–16.')
act(26, 'Tukiviittomakerho', 'Tukiviittomien opettelua perheille.',
    ['intellectual-disability', 'hearing'], ['courses', 'clubs'], ['families'], M('297'), 'Torstaisin klo 18–19.')
act(27, 'Kirjon aikuisten olohuone', 'Kohtaamispaikka autismikirjon aikuisille.',
    ['autism', 'loneliness'], ['drop-in'], ['working-age'], M('297'), 'Keskiviikkoisin klo 15–18.')
act(30, 'Isä-lapsi-kerho', 'Isien ja lasten yhteinen kerho.',
    ['parenting'], ['clubs'], ['families', 'children'], M('593'), 'Joka toinen lauantai klo 10–12.')
act(31, 'Vanhemmuuden tuki chatissa', 'Chat vauvaperheiden vanhemmille.',
    ['parenting'], ['online', 'guidance'], ['families'], ONLINE, 'Ma–to klo 19–21.', cr=False)
act(36, 'Yhteisöllinen työtoiminta', 'Kuntouttavaa työtoimintaa ja työkokeilua yhdistyksen kierrätyspisteessä.',
    ['livelihood'], ['rehabilitation', 'clubs'], ['working-age'], M('915'), 'Ma–to klo 9–14.')
act(23, 'Pistekirjoituskurssi', 'Pistekirjoituksen alkeet aikuisena näkönsä menettäneille.',
    ['visual'], ['courses'], ['working-age', 'older'], M('297', '491'), 'Kuusi kertaa keväällä.')
act(25, 'Avannehoitajan etävastaanotto', 'Avannehoitajan neuvontaa videoyhteydellä.',
    ['ostomy'], ['guidance', 'online'], ['working-age', 'older'], ONLINE, 'Kuukauden ensimmäinen torstai.', status='paused')
act(19, 'Diabetesleiri aikuisille (luonnos)', 'Suunnitteilla.', ['diabetes'], ['recreation'], ['working-age'], COUNTY('PS'),
    'Ei vielä päätetty.', status='draft')
act(21, 'Reumaryhmä (päättynyt)', 'Ryhmän toiminta on päättynyt.', ['musculoskeletal'], ['peer-support'], ['older'], M('749'),
    'Päättynyt.', status='archived')
act(41, 'Toivon vertaisryhmä', 'Uuden yhdistyksen vertaisryhmä (yhdistys ei vielä hyväksytty).',
    ['mental-health', 'memory'], ['peer-support'], ['working-age'], M('749'), 'Torstaisin.')
act(42, 'Harrastepiirin korttipelit', 'Hylätyn yhdistyksen toiminta.', ['loneliness'], ['clubs'], ['older'], M('420'), 'Maanantaisin.')
act(13, 'Omaishoitajien retki', 'Päiväretki Punkaharjulle omaishoitajille.',
    ['caregivers'], ['recreation'], ['relatives'], M('740', '491', '593'), 'Elokuussa.', cost='15 €.')
act(11, 'Syöpäsairaiden läheisten ryhmä', 'Vertaisryhmä syöpää sairastavan läheisille.',
    ['cancer', 'caregivers'], ['peer-support'], ['relatives'], M('491', '740'), 'Kuukauden kolmas maanantai klo 17–18.30.')
act(10, 'Syöpäpotilaiden vapaaehtoiset tukihenkilöt', 'Koulutettu tukihenkilö sairastuneelle hoitojen ajaksi.',
    ['cancer'], ['volunteering'], ['working-age', 'older'], COUNTY('PS'), 'Sovitaan yhdessä.')
act(6, 'Mielenterveyden ensiapukurssi', 'Mielenterveyden ensiapu 1 -kurssi kaikille kiinnostuneille.',
    ['mental-health'], ['courses'], ['youth', 'working-age', 'older'], M('297'), 'Kaksi iltaa, marraskuu.', cost='20 €.')
act(3, 'Muistisairaiden kuoro', 'Laulua ja musiikkia muistisairaille ja läheisille.',
    ['memory'], ['clubs'], ['older', 'relatives'], M('749', '297'), 'Joka toinen perjantai klo 13–14.')

# ---------------------------------------------------------------- output
def description(a):
    if a['desc']:
        return a['desc']
    return a['summary']

def for_whom(a):
    if a['for_whom']:
        return a['for_whom']
    if a['langs'] == ['sv'] or a['langs'] == ['en']:
        return ''
    parts = [FOR_WHOM[n] for n in a['needs'][:2]]
    s = ' ja '.join(parts)
    if 'relatives' in a['tgs'] and 'caregivers' not in a['needs']:
        s += ' sekä heidän läheisilleen'
    return s[0].upper() + s[1:] + '.'

out = []
# The review's demo (docs/selfservice.md "Demo data"): activities of
# organisations without a demo editor account, overdue from the start.
STALE = {
    'Hengitysjumppa': ('7 months 5 days', 'unverified'),
    'Tinnitusryhmä': ('7 months 15 days', 'unverified'),
    'Yksinhuoltajien vertaisryhmä': ('7 months 25 days', 'unverified'),
    'Velkaneuvonnan ilta': ('10 months', 'hidden'),
    'Pistekirjoituskurssi': ('10 months 15 days', 'hidden'),
}
assert all(sum(1 for a in ACTS if a['name'] == n and a['status'] == 'published') == 1 for n in STALE)

w = out.append
w('-- Demo directory for Pohjois-Savo and Etelä-Savo: %d organisations, %d activities.' % (len(ORGS), len(ACTS)))
w('-- GENERATED by tests/data/make_demo.py - edit that, then run it again.')
w('-- Load once with psql into a migrated database whose municipalities are loaded:')
w('--   psql -v ON_ERROR_STOP=1 -1 -f services/directory/data/demo.sql')
w('-- Everything is fictional: e-mails are @example.org, phone numbers +358 40 0000xxx.')
w('-- assured_date is relative to the day of loading: spread over the last 150 days')
w('-- (all current), except five activities (docs/selfservice.md "Demo data"): three')
w('-- assured 7-8 months ago and loaded unverified, two assured 10 months ago and loaded')
w('-- hidden, so the search shows the review\'s states from the moment of loading.')
w('')
w('INSERT INTO organizations (id, name, frame, parent_id, description, website, email, phone,')
w('                           seat_municipality, status, status_note, approved_at, created_at) VALUES')
rows = []
for (no, name, frame, parent, desc, slug, seat, status) in ORGS:
    rows.append('    (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now() - interval \'%d days\')' % (
        q(oid(no)), q(name), q(frame), q(oid(parent)) if parent else 'NULL', q(desc + FICTION),
        q('https://%s.example.org/' % slug.replace('.', '-')), q(slug + '@example.org'),
        q('+358 40 0000%03d' % no), q(seat), q(status),
        q('Ei sosiaali- tai terveysalan toimintaa.') if status == 'rejected' else "''",
        "now() - interval '%d days'" % (400 - no * 5) if status == 'approved' else 'NULL',
        800 - no * 7))
# parents must exist first: the federation (7) is referenced by 6, so order by parent-less first
rows_sorted = [r for r, o in zip(rows, ORGS) if o[3] is None] + [r for r, o in zip(rows, ORGS) if o[3] is not None]
# district 2 and 5 have parent 1 (root); 3,4 have parent 2 (district) -> keep original order within the second group
w(',\n'.join(rows_sorted) + ';')
w('')
w('INSERT INTO organization_maintainers (organization_id, email) VALUES')
w(',\n'.join('    (%s, %s)' % (q(oid(o[0])), q(o[5] + '@example.org')) for o in ORGS) + ',')
w("    (%s, 'aino.esimerkki@example.org');" % q(oid(3)))
w('')

w('INSERT INTO activities (id, organization_id, name, summary, description, for_whom, how_to_join, cost,')
w('                        schedule, accessibility, area_type, area_county, takes_new,')
w('                        accepts_contact_requests, contact_request_email, response_days, status,')
w('                        assured_date, assurer, freshness, created_at) VALUES')
rows = []
for i, a in enumerate(ACTS, 1):
    area_type, area_val = a['area']
    email = org_email(a['org'])
    cr = a['cr'] and a['status'] != 'draft'
    assured = (i * 53) % 150   # days ago, 0..149: within the review period
    stale = STALE.get(a['name'])
    if a['status'] == 'draft':
        assured_sql = 'NULL'
    elif stale:
        assured_sql = "(current_date - interval '%s')::date" % stale[0]
    else:
        assured_sql = 'current_date - %d' % assured
    rows.append('    (%s, %s, %s, %s,\n     %s,\n     %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,\n     %s, %s, %s, now() - interval \'%d days\')' % (
        q(aid(i)), q(oid(a['org'])), q(a['name']), q(a['summary']), q(description(a)), q(for_whom(a)),
        q(a['join'] or KIND_JOIN[a['kinds'][0]]), q(a['cost']), q(a['schedule']),
        q(ACCESS[i % len(ACCESS)] if area_type not in ('online', 'nationwide') or i % 2 else ''),
        q(area_type), q(area_val) if area_type == 'county' else 'NULL',
        'true' if a['takes_new'] else 'false', 'true' if cr else 'false',
        q(email) if cr else 'NULL', str(3 + i % 5) if cr else 'NULL', q(a['status']),
        assured_sql, q(email) if a['status'] != 'draft' else 'NULL',
        q(stale[1] if stale else 'current'), 600 + assured))
w(',\n'.join(rows) + ';')
w('')

def join_table(table, key, col_values):
    vals = []
    for i, a in enumerate(ACTS, 1):
        for v in col_values(a):
            vals.append('    (%s, %s)' % (q(aid(i)), q(v)))
    w('INSERT INTO %s (activity_id, %s) VALUES' % (table, key))
    w(',\n'.join(vals) + ';')
    w('')

join_table('activity_needs', 'term_id', lambda a: a['needs'])
join_table('activity_kinds', 'term_id', lambda a: a['kinds'])
join_table('activity_target_groups', 'term_id', lambda a: a['tgs'])
join_table('activity_municipalities', 'municipality_code', lambda a: a['area'][1] if a['area'][0] == 'municipalities' else [])
join_table('activity_languages', 'language', lambda a: a['langs'])

w('INSERT INTO contacts (id, activity_id, name, role, email, phone, position) VALUES')
rows = []
for i, a in enumerate(ACTS, 1):
    person = PEOPLE[(i * 7) % len(PEOPLE)]
    first, last = person.split()
    rows.append('    (%s, %s, %s, %s, %s, %s, 0)' % (
        q(cid(i)), q(aid(i)), q(person), q(ROLES[a['kinds'][0]] if a['langs'] != ['sv'] else 'kontaktperson'),
        q('%s.%s@example.org' % (first.lower(), last.lower().replace('ä', 'a').replace('ö', 'o'))),
        q('+358 40 0000%03d' % (100 + i))))
w(',\n'.join(rows) + ';')
w('')
w('INSERT INTO contacts (id, organization_id, name, role, email, phone, position) VALUES')
w(',\n'.join('    (%s, %s, %s, %s, %s, %s, 0)' % (
    q(cid(500 + o[0])), q(oid(o[0])), q(PEOPLE[o[0] % len(PEOPLE)]), q('toiminnanjohtaja'),
    q(o[5] + '@example.org'), q('+358 40 0000%03d' % (700 + o[0]))) for o in ORGS) + ';')
w('')
LOCS = [(1, 3, 'Siilinjärven kunnantalon kahvio', 'Kunnantie 1 (esimerkki)', '71800', '749', [1]),
        (2, 3, 'Siilinjärven seurakuntakeskuksen kerhohuone', 'Kirkkotie 2 (esimerkki)', '71800', '749', [3]),
        (3, 6, 'Klubitalo Majakka', 'Satamakatu 10 (esimerkki)', '70100', '297', [None]),
        (4, 33, 'Kriisikeskus Varjo', 'Puistokatu 5 (esimerkki)', '70100', '297', [None])]
w('INSERT INTO locations (id, organization_id, name, street_address, postal_code, municipality_code, accessibility) VALUES')
w(',\n'.join('    (%s, %s, %s, %s, %s, %s, %s)' % (q(lid(n)), q(oid(o)), q(name), q(addr), q(pc), q(code),
                                                  q('Esteetön sisäänkäynti.')) for (n, o, name, addr, pc, code, _) in LOCS) + ';')
w('')
def find(name):
    return [i for i, a in enumerate(ACTS, 1) if a['name'] == name][0]
pairs = [(1, 1), (2, 3), (3, find('Klubitalo Majakka')), (4, find('Kriisikeskus Varjo'))]
w('INSERT INTO activity_locations (activity_id, location_id) VALUES')
w(',\n'.join('    (%s, %s)' % (q(aid(a)), q(lid(l))) for (l, a) in pairs) + ';')
w('')
w('-- Identity (docs/identity.md "Demo data"): user sites of Pohjois-Savo, and')
w('-- an account for every role.  The editors edit real demo organisations.')
w('INSERT INTO user_sites (id, name, county, email_domains, idp, idp_group) VALUES')
w("    ('e0000000-0000-4000-8000-000000000001', 'Kuopion Kalevan terveysasema', 'PS', ARRAY['kuopio-terveys.example.org'], 'pohjois-savo', NULL),")
w("    ('e0000000-0000-4000-8000-000000000002', 'Siilinjärven sosiaalipalvelut', 'PS', ARRAY['siilinjarvi-sote.example.org'], 'pohjois-savo', 'tarjotin-siilinjarvi'),")
w("    ('e0000000-0000-4000-8000-000000000003', 'Varkauden terveysasema', 'PS', ARRAY['varkaus-terveys.example.org'], NULL, NULL);")
w('')
w('INSERT INTO accounts (id, email, name, role, user_site_id, lang) VALUES')
w("    ('f0000000-0000-4000-8000-000000000001', 'koordinaattori@hyvinvointialue.example.org', 'Kaisa Koordinaattori', 'admin', NULL, 'fi'),")
w("    ('f0000000-0000-4000-8000-000000000002', 'toimitus@mielenterveysseura.example.org', 'Tuomas Toimittaja', 'editor', NULL, 'fi'),")
w("    ('f0000000-0000-4000-8000-000000000003', 'vapaaehtoiset@savonjarjestot.example.org', 'Veera Vapaaehtoinen', 'editor', NULL, 'fi'),")
w("    ('f0000000-0000-4000-8000-000000000004', 'ohjaaja@varkaus-terveys.example.org', 'Olli Ohjaaja', 'professional', 'e0000000-0000-4000-8000-000000000003', 'fi');")
w('')
w('-- Kallaveden Mielenmaja ry; Ystäväpiiri Hopeasiipi ry and Omaisvoima Pohjois-Savo ry.')
w('INSERT INTO account_organizations (account_id, organization_id) VALUES')
w("    ('f0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000006'),")
w("    ('f0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000016'),")
w("    ('f0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000012');")
open(os.path.join('services', 'directory', 'data', 'demo.sql'), 'w').write('\n'.join(out) + '\n')
print('organisations %d, activities %d' % (len(ORGS), len(ACTS)))
