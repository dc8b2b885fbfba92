// Words for an activity document's fields, statuses and freshness in fi/sv/en: the
// editor's list, the activity form's labels, publish errors and the history's field names.

export const ACTIVITY_STR = {
  fi: {
    'fld.name': 'Nimi', 'fld.summary': 'Lyhyt kuvaus', 'fld.description': 'Kuvaus', 'fld.for_whom': 'Kenelle',
    'fld.how_to_join': 'Näin mukaan', 'fld.accessibility': 'Saavutettavuus', 'fld.cost': 'Hinta', 'fld.schedule': 'Aikataulu',
    'fld.url': 'Verkkosivu', 'fld.needs': 'Tarpeet', 'fld.kinds': 'Toiminnan muodot', 'fld.target_groups': 'Kohderyhmät',
    'fld.area': 'Alue', 'fld.languages': 'Kielet', 'fld.takes_new': 'Ottaa uusia osallistujia',
    'fld.accepts_contact_requests': 'Ottaa vastaan yhteydenottopyyntöjä', 'fld.contact_request_email': 'Yhteydenottopyyntöjen osoite',
    'fld.response_days': 'Vastausaika (päivää)', 'fld.contacts': 'Yhteyshenkilöt', 'fld.locations': 'Kokoontumispaikat',
    'fld.status': 'Tila', 'fld.assured_date': 'Vahvistettu',
    'st.draft': 'Luonnos', 'st.published': 'Julkaistu', 'st.paused': 'Keskeytetty', 'st.archived': 'Arkistoitu',
    'fr.current': 'Ajan tasalla', 'fr.unverified': 'Tietoja ei ole vahvistettu', 'fr.hidden': 'Piilotettu hausta',
  },
  sv: {
    'fld.name': 'Namn', 'fld.summary': 'Kort beskrivning', 'fld.description': 'Beskrivning', 'fld.for_whom': 'För vem',
    'fld.how_to_join': 'Så här kommer man med', 'fld.accessibility': 'Tillgänglighet', 'fld.cost': 'Pris', 'fld.schedule': 'Tidtabell',
    'fld.url': 'Webbsida', 'fld.needs': 'Behov', 'fld.kinds': 'Verksamhetsformer', 'fld.target_groups': 'Målgrupper',
    'fld.area': 'Område', 'fld.languages': 'Språk', 'fld.takes_new': 'Tar emot nya deltagare',
    'fld.accepts_contact_requests': 'Tar emot kontaktförfrågningar', 'fld.contact_request_email': 'Adress för kontaktförfrågningar',
    'fld.response_days': 'Svarstid (dagar)', 'fld.contacts': 'Kontaktpersoner', 'fld.locations': 'Mötesplatser',
    'fld.status': 'Status', 'fld.assured_date': 'Bekräftad',
    'st.draft': 'Utkast', 'st.published': 'Publicerad', 'st.paused': 'Pausad', 'st.archived': 'Arkiverad',
    'fr.current': 'Aktuell', 'fr.unverified': 'Uppgifterna har inte bekräftats', 'fr.hidden': 'Dold i sökningen',
  },
  en: {
    'fld.name': 'Name', 'fld.summary': 'Summary', 'fld.description': 'Description', 'fld.for_whom': 'For whom',
    'fld.how_to_join': 'How to join', 'fld.accessibility': 'Accessibility', 'fld.cost': 'Cost', 'fld.schedule': 'Schedule',
    'fld.url': 'Web page', 'fld.needs': 'Needs', 'fld.kinds': 'Kinds of activity', 'fld.target_groups': 'Target groups',
    'fld.area': 'Area', 'fld.languages': 'Languages', 'fld.takes_new': 'Takes new participants',
    'fld.accepts_contact_requests': 'Accepts contact requests', 'fld.contact_request_email': 'Address for contact requests',
    'fld.response_days': 'Response time (days)', 'fld.contacts': 'Contact people', 'fld.locations': 'Meeting places',
    'fld.status': 'Status', 'fld.assured_date': 'Confirmed',
    'st.draft': 'Draft', 'st.published': 'Published', 'st.paused': 'Paused', 'st.archived': 'Archived',
    'fr.current': 'Up to date', 'fr.unverified': 'Details not confirmed', 'fr.hidden': 'Hidden from the search',
  },
};

// The label of an API field name ("contacts.0.email" → the contacts' label).
export function fieldLabel(t, field) {
  const top = String(field || '').split('.')[0];
  const key = 'fld.' + top;
  const v = t(key);
  return v === key ? field : v;
}
