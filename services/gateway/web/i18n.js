// Tarjotin UI strings. Finnish first; Swedish and English follow the same keys.
// A value is either a string with {name} placeholders or a function of a
// parameter object (used for plurals). Use t(lang, key, params) to read one.

export const LANGS = ['fi', 'sv', 'en'];
export const DEFAULT_LANG = 'fi';

// Each language is named in itself in the switch.
export const LANG_NAMES = { fi: 'Suomi', sv: 'Svenska', en: 'English' };

// The remembered UI language (localStorage), shared by every page.
export const LANG_KEY = 'tarjotin.lang';

// The page's language: ?lang= (params: URLSearchParams), else the remembered one, else Finnish.
export function readLang(params) {
  const fromUrl = params.get('lang');
  if (LANGS.includes(fromUrl)) return fromUrl;
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (LANGS.includes(stored)) return stored;
  } catch (e) { /* storage may be blocked */ }
  return DEFAULT_LANG;
}

const fi = {
  'site.name': 'Tarjotin',
  'site.tagline': 'Järjestöjen toimintaa asiakkaallesi — yksi ovi, kolme klikkausta',
  'skip': 'Siirry pääsisältöön',
  'nav.lang': 'Kieli',
  'nav.steps': 'Hakupolku',
  'nav.pages': 'Sivut',
  'noscript': 'Tarjotin tarvitsee toimiakseen JavaScriptin.',
  'loading': 'Ladataan…',

  'account.nav': 'Käyttäjätili',
  'account.signedInAs': 'Kirjautuneena:',
  'account.signin': 'Kirjaudu sisään',
  'account.signout': 'Kirjaudu ulos',
  'account.signoutFailed': 'Uloskirjautuminen epäonnistui, yritä uudelleen',
  'account.admin': 'Ylläpito',
  'account.editor': 'Omat järjestöt',
  'account.activities': 'Omat toiminnot',
  'role.professional': 'ammattilainen',
  'role.editor': 'järjestön toimittaja',
  'role.admin': 'pääkäyttäjä',

  'front.h1': 'Järjestöjen toimintaa asiakkaallesi',
  'front.lead': 'Yksi ovi, kolme klikkausta: valitse asiakkaasi tarve, toiminnan muoto ja kunta. Tiedot tulevat suoraan toimintaa järjestäviltä järjestöiltä.',
  'front.title': 'Tarjotin – järjestöjen toimintaa asiakkaallesi',

  'step': ({ n }) => `Vaihe ${n}/3`,
  'step.need': 'Tarve',
  'step.kind': 'Toiminta',
  'step.place': 'Kunta',
  'step.change': 'Muuta',
  'step.notChosen': 'ei valittu',
  'step.all': 'kaikki',
  'step.restart': 'Aloita alusta',

  'need.heading': 'Mihin asiakkaasi tarvitsee tukea?',
  'need.none': 'Tarpeita ei vielä löytynyt.',
  'search.label': 'Hae sanalla tai diagnoosikoodilla',
  'search.hint': 'Esimerkiksi muisti, yksinäisyys tai F03.',
  'search.button': 'Hae',
  'search.empty': 'Kirjoita hakusana tai diagnoosikoodi.',
  'search.query': ({ q }) => `Haku ”${q}”`,
  'search.code': ({ code, need }) => `Diagnoosikoodi ${code}: ${need}`,

  'kind.heading': 'Millaista toimintaa?',
  'kind.all': 'Kaikki toimintamuodot',

  'place.heading': 'Missä kunnassa?',
  'place.filter': 'Kirjoita kunnan tai hyvinvointialueen nimi',
  'place.filterHint': 'Luettelossa ovat vain kunnat ja alueet, joilta löytyy toimintaa.',
  'place.counties': 'Koko hyvinvointialue',
  'place.municipalities': 'Kunnat',
  'place.all': 'Kaikki kunnat ja verkkotoiminta',
  'place.noMatch': 'Nimellä ei löytynyt kuntaa, jossa olisi toimintaa.',
  'place.matches': ({ n }) => (n === 1 ? '1 vaihtoehto' : `${n} vaihtoehtoa`),

  'count': ({ n }) => (n === 1 ? '1 toiminta' : `${n} toimintaa`),
  'options': ({ n }) => (n === 1 ? '1 vaihtoehto' : `${n} vaihtoehtoa`),

  'results.heading': 'Hakutulokset',
  'results.found': ({ n }) => (n === 1 ? 'Löytyi 1 toiminta.' : `Löytyi ${n} toimintaa.`),
  'results.empty': 'Tällä haulla ei löytynyt toimintaa.',
  'results.broader': ({ what, n }) => `Laajenna hakua: poista rajaus ”${what}” (${n === 1 ? '1 toiminta' : n + ' toimintaa'})`,
  'results.broader_county': ({ what, n }) => `Laajenna hakua koko alueelle: ${what} (${n === 1 ? '1 toiminta' : n + ' toimintaa'})`,
  'results.pagination': 'Sivutus',
  'results.prev': 'Edellinen sivu',
  'results.next': 'Seuraava sivu',
  'results.page': ({ page, pages }) => `Sivu ${page}/${pages}`,

  'card.org': 'Järjestö',
  'card.area': 'Alue',
  'card.join': 'Näin mukaan',
  'card.takesNew': 'Ottaa uusia osallistujia',
  'card.notTakingNew': 'Ei juuri nyt ota uusia',
  'card.assured': ({ date }) => `Tiedot tarkistettu ${date}`,
  'card.unverified': 'Tietoja ei ole vahvistettu',
  'card.lastVerified': ({ date }) => `viimeksi vahvistettu ${date}`,

  'area.county': 'koko hyvinvointialue',
  'area.countyNamed': ({ name }) => `koko ${name}`,
  'area.nationwide': 'koko Suomi',
  'area.online': 'verkossa',
  'area.more': ({ list, n }) => `${list} ja ${n} muuta`,

  'detail.back': 'Takaisin hakutuloksiin',
  'detail.backFront': 'Etusivulle',
  'detail.what': 'Mitä toiminta on',
  'detail.forWhom': 'Kenelle',
  'detail.join': 'Näin pääsee mukaan',
  'detail.when': 'Milloin ja missä',
  'detail.area': 'Toiminta-alue',
  'detail.cost': 'Hinta',
  'detail.languages': 'Kielet',
  'detail.accessibility': 'Saavutettavuus',
  'detail.needs': 'Tarpeet',
  'detail.kinds': 'Toimintamuodot',
  'detail.targetGroups': 'Kohderyhmät',
  'detail.contacts': 'Yhteyshenkilöt',
  'detail.org': 'Järjestäjä',
  'detail.phone': 'Puhelin',
  'detail.email': 'Sähköposti',
  'detail.website': 'Verkkosivut',
  'detail.status': 'Tilanne',
  'detail.contactRequests': ({ n }) => (n ? `Järjestö ottaa vastaan yhteydenottopyyntöjä ja vastaa yleensä ${n} päivän kuluessa.` : 'Järjestö ottaa vastaan yhteydenottopyyntöjä.'),
  'detail.noContactRequests': 'Järjestö ei ota vastaan yhteydenottopyyntöjä Tarjottimen kautta; asiakas voi ottaa yhteyttä suoraan.',
  'detail.assured': ({ date, who }) => (who ? `Tiedot tarkistettu ${date} (${who})` : `Tiedot tarkistettu ${date}`),
  'detail.updated': ({ date }) => `Päivitetty ${date}`,
  'detail.notGiven': 'Ei ilmoitettu',
  'detail.notFound': 'Toimintaa ei löytynyt. Se on ehkä poistettu tai tauolla.',
  'detail.title': 'Toiminnan tiedot',

  'error.heading': 'Tietoja ei voitu hakea',
  'error.unavailable': 'Palvelu on hetken tavoittamattomissa, yritä uudelleen.',
  'error.network': 'Yhteys palveluun katkesi. Tarkista verkkoyhteys ja yritä uudelleen.',
  'error.generic': 'Jokin meni vikaan. Yritä uudelleen.',
  'error.retry': 'Yritä uudelleen',

  'footer.about': 'Tarjotin kokoaa sosiaali- ja terveysjärjestöjen toiminnan yhteen paikkaan ammattilaisten ja asiakkaiden käyttöön. Järjestöt ylläpitävät tietoja itse.',
  'footer.emergency': 'Tarjotin ei ole hätäpalvelu. Hätätilanteessa soita 112.',
};

const sv = {
  'site.name': 'Tarjotin',
  'site.tagline': 'Organisationernas verksamhet för din klient — en dörr, tre klick',
  'skip': 'Gå till huvudinnehållet',
  'nav.lang': 'Språk',
  'nav.steps': 'Sökväg',
  'nav.pages': 'Sidor',
  'noscript': 'Tarjotin behöver JavaScript för att fungera.',
  'loading': 'Laddar…',

  'account.nav': 'Användarkonto',
  'account.signedInAs': 'Inloggad:',
  'account.signin': 'Logga in',
  'account.signout': 'Logga ut',
  'account.signoutFailed': 'Utloggningen misslyckades, försök igen',
  'account.admin': 'Administration',
  'account.editor': 'Mina organisationer',
  'account.activities': 'Mina verksamheter',
  'role.professional': 'yrkesperson',
  'role.editor': 'organisationsredaktör',
  'role.admin': 'huvudanvändare',

  'front.h1': 'Organisationernas verksamhet för din klient',
  'front.lead': 'En dörr, tre klick: välj klientens behov, typ av verksamhet och kommun. Uppgifterna kommer direkt från de organisationer som ordnar verksamheten.',
  'front.title': 'Tarjotin – organisationernas verksamhet för din klient',

  'step': ({ n }) => `Steg ${n}/3`,
  'step.need': 'Behov',
  'step.kind': 'Verksamhet',
  'step.place': 'Kommun',
  'step.change': 'Ändra',
  'step.notChosen': 'inte vald',
  'step.all': 'alla',
  'step.restart': 'Börja om',

  'need.heading': 'Vad behöver din klient stöd med?',
  'need.none': 'Inga behov hittades ännu.',
  'search.label': 'Sök med ord eller diagnoskod',
  'search.hint': 'Till exempel minne, ensamhet eller F03.',
  'search.button': 'Sök',
  'search.empty': 'Skriv ett sökord eller en diagnoskod.',
  'search.query': ({ q }) => `Sökning ”${q}”`,
  'search.code': ({ code, need }) => `Diagnoskod ${code}: ${need}`,

  'kind.heading': 'Vilken typ av verksamhet?',
  'kind.all': 'Alla typer av verksamhet',

  'place.heading': 'I vilken kommun?',
  'place.filter': 'Skriv namnet på kommunen eller välfärdsområdet',
  'place.filterHint': 'Listan visar bara kommuner och områden där det finns verksamhet.',
  'place.counties': 'Hela välfärdsområdet',
  'place.municipalities': 'Kommuner',
  'place.all': 'Alla kommuner och verksamhet på nätet',
  'place.noMatch': 'Ingen kommun med verksamhet matchar namnet.',
  'place.matches': ({ n }) => (n === 1 ? '1 alternativ' : `${n} alternativ`),

  'count': ({ n }) => (n === 1 ? '1 verksamhet' : `${n} verksamheter`),
  'options': ({ n }) => (n === 1 ? '1 alternativ' : `${n} alternativ`),

  'results.heading': 'Sökresultat',
  'results.found': ({ n }) => (n === 1 ? '1 verksamhet hittades.' : `${n} verksamheter hittades.`),
  'results.empty': 'Sökningen gav ingen verksamhet.',
  'results.broader': ({ what, n }) => `Bredda sökningen: ta bort avgränsningen ”${what}” (${n === 1 ? '1 verksamhet' : n + ' verksamheter'})`,
  'results.broader_county': ({ what, n }) => `Bredda sökningen till hela området: ${what} (${n === 1 ? '1 verksamhet' : n + ' verksamheter'})`,
  'results.pagination': 'Sidnumrering',
  'results.prev': 'Föregående sida',
  'results.next': 'Nästa sida',
  'results.page': ({ page, pages }) => `Sida ${page}/${pages}`,

  'card.org': 'Organisation',
  'card.area': 'Område',
  'card.join': 'Så här kommer man med',
  'card.takesNew': 'Tar emot nya deltagare',
  'card.notTakingNew': 'Tar inte emot nya just nu',
  'card.assured': ({ date }) => `Uppgifterna kontrollerade ${date}`,
  'card.unverified': 'Uppgifterna har inte bekräftats',
  'card.lastVerified': ({ date }) => `senast bekräftade ${date}`,

  'area.county': 'hela välfärdsområdet',
  'area.countyNamed': ({ name }) => `hela ${name}`,
  'area.nationwide': 'hela Finland',
  'area.online': 'på nätet',
  'area.more': ({ list, n }) => `${list} och ${n} till`,

  'detail.back': 'Tillbaka till sökresultaten',
  'detail.backFront': 'Till startsidan',
  'detail.what': 'Vad verksamheten är',
  'detail.forWhom': 'För vem',
  'detail.join': 'Så här kommer man med',
  'detail.when': 'När och var',
  'detail.area': 'Verksamhetsområde',
  'detail.cost': 'Pris',
  'detail.languages': 'Språk',
  'detail.accessibility': 'Tillgänglighet',
  'detail.needs': 'Behov',
  'detail.kinds': 'Typer av verksamhet',
  'detail.targetGroups': 'Målgrupper',
  'detail.contacts': 'Kontaktpersoner',
  'detail.org': 'Arrangör',
  'detail.phone': 'Telefon',
  'detail.email': 'E-post',
  'detail.website': 'Webbplats',
  'detail.status': 'Läge',
  'detail.contactRequests': ({ n }) => (n ? `Organisationen tar emot kontaktförfrågningar och svarar vanligen inom ${n} dagar.` : 'Organisationen tar emot kontaktförfrågningar.'),
  'detail.noContactRequests': 'Organisationen tar inte emot kontaktförfrågningar via Tarjotin; klienten kan kontakta den direkt.',
  'detail.assured': ({ date, who }) => (who ? `Uppgifterna kontrollerade ${date} (${who})` : `Uppgifterna kontrollerade ${date}`),
  'detail.updated': ({ date }) => `Uppdaterad ${date}`,
  'detail.notGiven': 'Inte angivet',
  'detail.notFound': 'Verksamheten hittades inte. Den kan ha tagits bort eller vara pausad.',
  'detail.title': 'Uppgifter om verksamheten',

  'error.heading': 'Uppgifterna kunde inte hämtas',
  'error.unavailable': 'Tjänsten är tillfälligt otillgänglig, försök igen.',
  'error.network': 'Förbindelsen till tjänsten bröts. Kontrollera nätverket och försök igen.',
  'error.generic': 'Något gick fel. Försök igen.',
  'error.retry': 'Försök igen',

  'footer.about': 'Tarjotin samlar social- och hälsoorganisationernas verksamhet på ett ställe för yrkespersoner och klienter. Organisationerna uppdaterar själva sina uppgifter.',
  'footer.emergency': 'Tarjotin är ingen nödtjänst. Ring 112 i nödsituationer.',
};

const en = {
  'site.name': 'Tarjotin',
  'site.tagline': 'Voluntary-sector activities for your client — one door, three clicks',
  'skip': 'Skip to main content',
  'nav.lang': 'Language',
  'nav.steps': 'Search path',
  'nav.pages': 'Pages',
  'noscript': 'Tarjotin needs JavaScript to work.',
  'loading': 'Loading…',

  'account.nav': 'Account',
  'account.signedInAs': 'Signed in as',
  'account.signin': 'Sign in',
  'account.signout': 'Sign out',
  'account.signoutFailed': 'Signing out failed, try again',
  'account.admin': 'Administration',
  'account.editor': 'My organisations',
  'account.activities': 'My activities',
  'role.professional': 'professional',
  'role.editor': 'association editor',
  'role.admin': 'administrator',

  'front.h1': 'Voluntary-sector activities for your client',
  'front.lead': 'One door, three clicks: choose your client’s need, the kind of activity and the municipality. The information comes straight from the associations that run the activities.',
  'front.title': 'Tarjotin – voluntary-sector activities for your client',

  'step': ({ n }) => `Step ${n} of 3`,
  'step.need': 'Need',
  'step.kind': 'Activity',
  'step.place': 'Municipality',
  'step.change': 'Change',
  'step.notChosen': 'not chosen',
  'step.all': 'all',
  'step.restart': 'Start over',

  'need.heading': 'What does your client need support with?',
  'need.none': 'No needs found yet.',
  'search.label': 'Search with words or a diagnosis code',
  'search.hint': 'For example memory, loneliness or F03.',
  'search.button': 'Search',
  'search.empty': 'Type a search word or a diagnosis code.',
  'search.query': ({ q }) => `Search “${q}”`,
  'search.code': ({ code, need }) => `Diagnosis code ${code}: ${need}`,

  'kind.heading': 'What kind of activity?',
  'kind.all': 'All kinds of activity',

  'place.heading': 'In which municipality?',
  'place.filter': 'Type the name of the municipality or wellbeing services county',
  'place.filterHint': 'Only municipalities and areas with activities are listed.',
  'place.counties': 'Whole wellbeing services county',
  'place.municipalities': 'Municipalities',
  'place.all': 'All municipalities and online activities',
  'place.noMatch': 'No municipality with activities matches that name.',
  'place.matches': ({ n }) => (n === 1 ? '1 option' : `${n} options`),

  'count': ({ n }) => (n === 1 ? '1 activity' : `${n} activities`),
  'options': ({ n }) => (n === 1 ? '1 option' : `${n} options`),

  'results.heading': 'Search results',
  'results.found': ({ n }) => (n === 1 ? '1 activity found.' : `${n} activities found.`),
  'results.empty': 'No activities match this search.',
  'results.broader': ({ what, n }) => `Broaden the search: remove “${what}” (${n === 1 ? '1 activity' : n + ' activities'})`,
  'results.broader_county': ({ what, n }) => `Broaden the search to the whole area: ${what} (${n === 1 ? '1 activity' : n + ' activities'})`,
  'results.pagination': 'Pagination',
  'results.prev': 'Previous page',
  'results.next': 'Next page',
  'results.page': ({ page, pages }) => `Page ${page} of ${pages}`,

  'card.org': 'Association',
  'card.area': 'Area',
  'card.join': 'How to join',
  'card.takesNew': 'Takes new participants',
  'card.notTakingNew': 'Not taking new participants now',
  'card.assured': ({ date }) => `Information verified ${date}`,
  'card.unverified': 'Details not confirmed',
  'card.lastVerified': ({ date }) => `last confirmed ${date}`,

  'area.county': 'whole wellbeing services county',
  'area.countyNamed': ({ name }) => `all of ${name}`,
  'area.nationwide': 'all of Finland',
  'area.online': 'online',
  'area.more': ({ list, n }) => `${list} and ${n} more`,

  'detail.back': 'Back to search results',
  'detail.backFront': 'To the front page',
  'detail.what': 'What it is',
  'detail.forWhom': 'For whom',
  'detail.join': 'How to join',
  'detail.when': 'When and where',
  'detail.area': 'Area',
  'detail.cost': 'Cost',
  'detail.languages': 'Languages',
  'detail.accessibility': 'Accessibility',
  'detail.needs': 'Needs',
  'detail.kinds': 'Kinds of activity',
  'detail.targetGroups': 'Target groups',
  'detail.contacts': 'Contact persons',
  'detail.org': 'Organiser',
  'detail.phone': 'Phone',
  'detail.email': 'E-mail',
  'detail.website': 'Website',
  'detail.status': 'Status',
  'detail.contactRequests': ({ n }) => (n ? `The association accepts contact requests and usually answers within ${n} days.` : 'The association accepts contact requests.'),
  'detail.noContactRequests': 'The association does not take contact requests through Tarjotin; the client can contact it directly.',
  'detail.assured': ({ date, who }) => (who ? `Information verified ${date} (${who})` : `Information verified ${date}`),
  'detail.updated': ({ date }) => `Updated ${date}`,
  'detail.notGiven': 'Not given',
  'detail.notFound': 'Activity not found. It may have been removed or paused.',
  'detail.title': 'Activity details',

  'error.heading': 'Could not fetch the information',
  'error.unavailable': 'The service is briefly unavailable, please try again.',
  'error.network': 'The connection to the service was lost. Check the network and try again.',
  'error.generic': 'Something went wrong. Please try again.',
  'error.retry': 'Try again',

  'footer.about': 'Tarjotin gathers the activities of social and health associations in one place for professionals and their clients. The associations keep their information up to date themselves.',
  'footer.emergency': 'Tarjotin is not an emergency service. In an emergency, call 112.',
};

export const dictionaries = { fi, sv, en };

export function t(lang, key, params = {}) {
  const dict = dictionaries[lang] || dictionaries[DEFAULT_LANG];
  let v = dict[key];
  if (v === undefined) v = dictionaries[DEFAULT_LANG][key];
  if (v === undefined) return key;
  if (typeof v === 'function') return v(params);
  return v.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}
