// surveys.html: the follow-up surveys of the administration (docs/statistics.md §7):
// the list (title, audience, status, recipients, answered, response rate), a draft's form
// (title and intro in fi/sv/en, the audience, 1..10 questions of type scale or text),
// sending (first a dry run tells how many would get the mail, then a confirmation),
// closing, and the results per question (a scale's counts 1..5 and mean, a text's
// answers). #surveys[data-loaded="<n>"] once the list is in; #survey-detail[data-survey].

import { gatedPage, h, field, table, clearErrors, showError, loadFailed, fieldError } from './admin.js';
import { apiGet, apiSend } from './api.js';

const LANGS = ['fi', 'sv', 'en'];
const MAX_Q = 10;

const STR = {
  fi: {
    title: 'Kyselyt',
    lead: 'Seurantakysely lähetetään järjestöille tai toimipisteille sähköpostilla. Kukin vastaanottaja voi vastata kerran omalla linkillään; vastaukset tallennetaan ilman vastaajan nimeä.',
    new: 'Uusi kysely', 'form.new': 'Uusi kysely', 'form.edit': ({ name }) => `Muokkaa kyselyä ${name}`,
    'f.title': ({ l }) => `Otsikko (${l})`, 'f.intro': ({ l }) => `Johdanto (${l})`,
    'f.titleHint': 'Suomenkielinen otsikko tarvitaan; ruotsin- ja englanninkielinen ovat suomenkielisen oletuksena.',
    'f.audience': 'Vastaanottajat', 'aud.organizations': 'Järjestöt', 'aud.user_sites': 'Toimipisteet',
    'q.legend': ({ n }) => `Kysymys ${n}`, 'q.type': 'Tyyppi', 'type.scale': 'Asteikko 1–5', 'type.text': 'Vapaa teksti',
    'q.text': ({ l }) => `Kysymys (${l})`, 'q.required': 'Vastaus vaaditaan', 'q.add': 'Lisää kysymys',
    'q.remove': ({ n }) => `Poista kysymys ${n}`, 'q.max': 'Kyselyssä voi olla enintään 10 kysymystä.',
    create: 'Tallenna luonnos', created: ({ name }) => `Kysely ${name} tallennettiin luonnoksena.`, saved: ({ name }) => `Kysely ${name} tallennettiin.`,
    'list.caption': 'Kyselyt, uusimmat ensin', 'list.none': 'Kyselyitä ei ole vielä.',
    'col.title': 'Otsikko', 'col.audience': 'Vastaanottajat', 'col.status': 'Tila', 'col.recipients': 'Lähetetty',
    'col.answered': 'Vastanneet', 'col.rate': 'Vastausprosentti',
    'st.draft': 'luonnos', 'st.sent': 'lähetetty', 'st.closed': 'päättynyt',
    open: 'Avaa', openOf: ({ name }) => `Avaa kysely ${name}`,
    'd.status': ({ status }) => `Tila: ${status}`, 'd.sentAt': ({ at }) => `Lähetetty ${at}`,
    'send.h': 'Lähettäminen', 'send.count': 'Laske vastaanottajat', 'send.button': 'Lähetä kysely',
    'send.would': ({ n, skipped }) => `Kysely lähetetään ${n} vastaanottajalle.${skipped ? ` ${skipped} ohitetaan, koska heillä ei ole sähköpostiosoitetta.` : ''}`,
    'send.confirm': ({ n }) => `Lähetetäänkö kysely ${n} vastaanottajalle? Lähettämisen jälkeen kyselyä ei voi muuttaa.`,
    'send.confirmAny': 'Lähetetäänkö kysely kaikille vastaanottajille? Lähettämisen jälkeen kyselyä ei voi muuttaa.',
    'send.done': ({ n, skipped }) => `Kysely lähetettiin ${n} vastaanottajalle${skipped ? `, ${skipped} ohitettiin` : ''}.`,
    'send.none': 'Yhdelläkään vastaanottajalla ei ole sähköpostiosoitetta: kyselyä ei voi lähettää.',
    close: 'Päätä kysely', 'close.confirm': 'Päätetäänkö kysely? Sen jälkeen siihen ei voi enää vastata.', closed: 'Kysely päätettiin.',
    'res.h': 'Tulokset', 'res.summary': ({ n, a, rate }) => `Lähetetty ${n}, vastanneita ${a} (${rate}).`,
    'res.scaleCaption': ({ q }) => `${q}: vastausten määrät`, 'res.value': 'Vastaus', 'res.count': 'Määrä',
    'res.mean': 'Keskiarvo', 'res.n': 'Vastauksia', 'res.noText': 'Ei vastauksia vielä.',
    'scale.1': '1 täysin eri mieltä', 'scale.2': '2', 'scale.3': '3', 'scale.4': '4', 'scale.5': '5 täysin samaa mieltä',
    'err.survey_sent': 'Kysely on jo lähetetty, eikä sitä voi enää muuttaa.', 'err.questions': 'Lisää vähintään yksi kysymys.',
  },
  sv: {
    title: 'Enkäter',
    lead: 'En uppföljningsenkät skickas per e-post till organisationer eller verksamhetsställen. Varje mottagare kan svara en gång med sin egen länk; svaren sparas utan svararens namn.',
    new: 'Ny enkät', 'form.new': 'Ny enkät', 'form.edit': ({ name }) => `Redigera enkäten ${name}`,
    'f.title': ({ l }) => `Rubrik (${l})`, 'f.intro': ({ l }) => `Inledning (${l})`,
    'f.titleHint': 'Den finska rubriken behövs; den svenska och engelska är som standard den finska.',
    'f.audience': 'Mottagare', 'aud.organizations': 'Organisationer', 'aud.user_sites': 'Verksamhetsställen',
    'q.legend': ({ n }) => `Fråga ${n}`, 'q.type': 'Typ', 'type.scale': 'Skala 1–5', 'type.text': 'Fri text',
    'q.text': ({ l }) => `Fråga (${l})`, 'q.required': 'Svar krävs', 'q.add': 'Lägg till en fråga',
    'q.remove': ({ n }) => `Ta bort fråga ${n}`, 'q.max': 'En enkät kan ha högst 10 frågor.',
    create: 'Spara utkastet', created: ({ name }) => `Enkäten ${name} sparades som utkast.`, saved: ({ name }) => `Enkäten ${name} sparades.`,
    'list.caption': 'Enkäter, de senaste först', 'list.none': 'Det finns inga enkäter ännu.',
    'col.title': 'Rubrik', 'col.audience': 'Mottagare', 'col.status': 'Status', 'col.recipients': 'Skickade',
    'col.answered': 'Svarade', 'col.rate': 'Svarsprocent',
    'st.draft': 'utkast', 'st.sent': 'skickad', 'st.closed': 'avslutad',
    open: 'Öppna', openOf: ({ name }) => `Öppna enkäten ${name}`,
    'd.status': ({ status }) => `Status: ${status}`, 'd.sentAt': ({ at }) => `Skickad ${at}`,
    'send.h': 'Att skicka', 'send.count': 'Räkna mottagarna', 'send.button': 'Skicka enkäten',
    'send.would': ({ n, skipped }) => `Enkäten skickas till ${n} mottagare.${skipped ? ` ${skipped} hoppas över eftersom de saknar e-postadress.` : ''}`,
    'send.confirm': ({ n }) => `Skicka enkäten till ${n} mottagare? Efter det kan enkäten inte ändras.`,
    'send.confirmAny': 'Skicka enkäten till alla mottagare? Efter det kan enkäten inte ändras.',
    'send.done': ({ n, skipped }) => `Enkäten skickades till ${n} mottagare${skipped ? `, ${skipped} hoppades över` : ''}.`,
    'send.none': 'Ingen mottagare har en e-postadress: enkäten kan inte skickas.',
    close: 'Avsluta enkäten', 'close.confirm': 'Avsluta enkäten? Efter det kan den inte längre besvaras.', closed: 'Enkäten avslutades.',
    'res.h': 'Resultat', 'res.summary': ({ n, a, rate }) => `Skickade ${n}, svarade ${a} (${rate}).`,
    'res.scaleCaption': ({ q }) => `${q}: antal svar`, 'res.value': 'Svar', 'res.count': 'Antal',
    'res.mean': 'Medelvärde', 'res.n': 'Svar', 'res.noText': 'Inga svar ännu.',
    'scale.1': '1 helt av annan åsikt', 'scale.2': '2', 'scale.3': '3', 'scale.4': '4', 'scale.5': '5 helt av samma åsikt',
    'err.survey_sent': 'Enkäten har redan skickats och kan inte längre ändras.', 'err.questions': 'Lägg till minst en fråga.',
  },
  en: {
    title: 'Surveys',
    lead: 'A follow-up survey is sent by e-mail to associations or user sites. Each recipient can answer once with their own link; the answers are stored without the respondent’s name.',
    new: 'New survey', 'form.new': 'New survey', 'form.edit': ({ name }) => `Edit the survey ${name}`,
    'f.title': ({ l }) => `Title (${l})`, 'f.intro': ({ l }) => `Introduction (${l})`,
    'f.titleHint': 'The Finnish title is needed; the Swedish and English ones default to it.',
    'f.audience': 'Recipients', 'aud.organizations': 'Associations', 'aud.user_sites': 'User sites',
    'q.legend': ({ n }) => `Question ${n}`, 'q.type': 'Type', 'type.scale': 'Scale 1–5', 'type.text': 'Free text',
    'q.text': ({ l }) => `Question (${l})`, 'q.required': 'An answer is required', 'q.add': 'Add a question',
    'q.remove': ({ n }) => `Remove question ${n}`, 'q.max': 'A survey has at most 10 questions.',
    create: 'Save the draft', created: ({ name }) => `The survey ${name} was saved as a draft.`, saved: ({ name }) => `The survey ${name} was saved.`,
    'list.caption': 'Surveys, newest first', 'list.none': 'There are no surveys yet.',
    'col.title': 'Title', 'col.audience': 'Recipients', 'col.status': 'Status', 'col.recipients': 'Sent',
    'col.answered': 'Answered', 'col.rate': 'Response rate',
    'st.draft': 'draft', 'st.sent': 'sent', 'st.closed': 'closed',
    open: 'Open', openOf: ({ name }) => `Open the survey ${name}`,
    'd.status': ({ status }) => `Status: ${status}`, 'd.sentAt': ({ at }) => `Sent ${at}`,
    'send.h': 'Sending', 'send.count': 'Count the recipients', 'send.button': 'Send the survey',
    'send.would': ({ n, skipped }) => `The survey will be sent to ${n} recipients.${skipped ? ` ${skipped} are skipped as they have no e-mail address.` : ''}`,
    'send.confirm': ({ n }) => `Send the survey to ${n} recipients? After that the survey cannot be changed.`,
    'send.confirmAny': 'Send the survey to every recipient? After that the survey cannot be changed.',
    'send.done': ({ n, skipped }) => `The survey was sent to ${n} recipients${skipped ? `, ${skipped} skipped` : ''}.`,
    'send.none': 'No recipient has an e-mail address: the survey cannot be sent.',
    close: 'Close the survey', 'close.confirm': 'Close the survey? After that it can no longer be answered.', closed: 'The survey was closed.',
    'res.h': 'Results', 'res.summary': ({ n, a, rate }) => `Sent ${n}, answered ${a} (${rate}).`,
    'res.scaleCaption': ({ q }) => `${q}: numbers of answers`, 'res.value': 'Answer', 'res.count': 'Number',
    'res.mean': 'Mean', 'res.n': 'Answers', 'res.noText': 'No answers yet.',
    'scale.1': '1 strongly disagree', 'scale.2': '2', 'scale.3': '3', 'scale.4': '4', 'scale.5': '5 strongly agree',
    'err.survey_sent': 'The survey has been sent already and can no longer be changed.', 'err.questions': 'Add at least one question.',
  },
};

const LOCALES = { fi: 'fi-FI', sv: 'sv-FI', en: 'en-GB' };

gatedPage({
  key: 'surveys',
  strings: STR,
  async render(page, region) {
    const { t, lang } = page;
    const inLang = (o) => (o && typeof o === 'object' ? o[lang] || o.fi || '' : o || '');
    const num = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 2 });
    const rate = (r) => (typeof r === 'number' ? `${Math.round(r)} %` : '–');
    const status = h('p', { class: 'status-line', role: 'status', id: 'surveys-status' });

    // ---- the draft's form
    const titles = {};
    const intros = {};
    for (const l of LANGS) {
      titles[l] = h('input', { type: 'text', id: `s-title-${l}`, name: `title.${l}`, maxlength: '200', lang: l, autocomplete: 'off', required: l === 'fi' });
      intros[l] = h('textarea', { id: `s-intro-${l}`, name: `intro.${l}`, maxlength: '2000', rows: '3', lang: l });
    }
    const audience = h('select', { id: 's-audience', name: 'audience' },
      ['organizations', 'user_sites'].map((a) => h('option', { value: a, text: t('aud.' + a) })));
    const qList = h('ol', { class: 'q-list', id: 'q-list' });
    const qMax = h('p', { class: 'hint', id: 'q-max', hidden: true, text: t('q.max') });
    const addQ = h('button', { type: 'button', class: 'button secondary', id: 'q-add', text: t('q.add'), onclick: () => { const li = addQuestion(); li.querySelector('select').focus(); } });
    const submit = h('button', { type: 'submit', class: 'button', text: t('create') });
    const cancel = h('button', { type: 'button', class: 'button secondary', text: t('cancel') });
    const formTitle = h('summary', { text: t('form.new') });
    const qAlert = h('p', { class: 'field-error', id: 'q-list-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'form', novalidate: true, id: 'survey-form' },
      LANGS.map((l) => field(t('f.title', { l }), titles[l], l === 'fi' ? t('f.titleHint') : null)),
      LANGS.map((l) => field(t('f.intro', { l }), intros[l])),
      field(t('f.audience'), audience),
      qAlert, qList, qMax, h('p', {}, addQ),
      h('div', { class: 'form-alert' }),
      h('p', { class: 'form-actions' }, submit, cancel));
    const details = h('details', { class: 'panel', id: 'survey-editor' }, formTitle, form);
    let qSeq = 0;
    const qError = (text) => { qAlert.textContent = text; qAlert.hidden = !text; };

    function renumber() {
      [...qList.children].forEach((li, i) => {
        li.querySelector('legend').textContent = t('q.legend', { n: i + 1 });
        li.querySelector('[data-remove]').textContent = t('q.remove', { n: i + 1 });
      });
      const full = qList.children.length >= MAX_Q;
      addQ.hidden = full;
      qMax.hidden = !full;
    }

    // One question's fieldset (q: {id, type, text, required} or nothing for a new one).
    function addQuestion(q = {}) {
      const k = ++qSeq;
      const type = h('select', { id: `q${k}-type`, name: 'type' }, ['scale', 'text'].map((v) => h('option', { value: v, text: t('type.' + v) })));
      type.value = q.type || 'scale';
      const texts = LANGS.map((l) => {
        const input = h('input', { type: 'text', id: `q${k}-text-${l}`, name: `text.${l}`, maxlength: '500', lang: l, autocomplete: 'off', required: l === 'fi' });
        input.value = (q.text && q.text[l]) || '';
        return field(t('q.text', { l }), input);
      });
      const req = h('input', { type: 'checkbox', id: `q${k}-required`, name: 'required', checked: q.required !== false });
      const li = h('li', { class: 'q-row', 'data-qid': q.id || '' },
        h('fieldset', { class: 'survey-q' }, h('legend'),
          field(t('q.type'), type), texts,
          h('div', { class: 'field' }, h('label', { class: 'check', for: req.id }, req, h('span', { text: t('q.required') }))),
          h('p', {}, h('button', { type: 'button', class: 'button secondary', 'data-remove': '', onclick: () => {
            const next = li.nextElementSibling || li.previousElementSibling;
            li.remove();
            renumber();
            (next ? next.querySelector('select') : addQ).focus();
          } }))));
      qList.append(li);
      renumber();
      return li;
    }

    let editing = null;
    function edit(s) {
      editing = s;
      clearErrors(form);
      qError('');
      form.reset();
      qList.replaceChildren();
      for (const l of LANGS) {
        titles[l].value = (s && s.title && s.title[l]) || '';
        intros[l].value = (s && s.intro && s.intro[l]) || '';
      }
      audience.value = (s && s.audience) || 'organizations';
      for (const q of (s && s.questions) || [{}]) addQuestion(q);
      formTitle.textContent = s ? t('form.edit', { name: inLang(s.title) }) : t('form.new');
      submit.textContent = s ? t('save') : t('create');
    }
    cancel.addEventListener('click', () => { edit(null); details.open = false; formTitle.focus(); });

    function body() {
      const title = {};
      const intro = {};
      for (const l of LANGS) {
        if (titles[l].value.trim()) title[l] = titles[l].value.trim();
        intro[l] = intros[l].value.trim();
      }
      const questions = [...qList.children].map((li) => {
        const q = { type: li.querySelector('select[name="type"]').value, text: {}, required: li.querySelector('input[name="required"]').checked };
        if (li.dataset.qid) q.id = li.dataset.qid;
        for (const l of LANGS) {
          const v = li.querySelector(`input[name="text.${l}"]`).value.trim();
          if (v) q.text[l] = v;
        }
        return q;
      });
      return { title, intro, audience: audience.value, questions };
    }

    // The API's field names (title.fi, questions.0.text.fi) → the form's inputs.
    function fieldsMap() {
      const m = { audience, questions: qList };
      for (const l of LANGS) { m[`title.${l}`] = titles[l]; m[`intro.${l}`] = intros[l]; m.title = titles.fi; }
      [...qList.children].forEach((li, i) => {
        m[`questions.${i}`] = li.querySelector('select');
        m[`questions.${i}.type`] = li.querySelector('select');
        m[`questions.${i}.text`] = li.querySelector('input[name="text.fi"]');
        for (const l of LANGS) m[`questions.${i}.text.${l}`] = li.querySelector(`input[name="text.${l}"]`);
      });
      return m;
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      qError('');
      const b = body();
      const fm = fieldsMap();
      const msgs = { required: t('err.required'), survey_sent: t('err.survey_sent') };
      if (!b.title.fi) { showError(page, form, { field: 'title.fi', code: 'required' }, fm, msgs); return; }
      if (!b.questions.length) { qError(t('err.questions')); addQ.focus(); return; }
      const emptyQ = b.questions.findIndex((q) => !q.text.fi);
      if (emptyQ >= 0) { showError(page, form, { field: `questions.${emptyQ}.text.fi`, code: 'required' }, fm, msgs); return; }
      submit.setAttribute('aria-disabled', 'true');
      try {
        const s = editing
          ? await apiSend('PUT', `admin/surveys/${encodeURIComponent(editing.id)}`, b, lang)
          : await apiSend('POST', 'admin/surveys', b, lang);
        const id = (s && s.id) || (editing && editing.id);
        status.textContent = t(editing ? 'saved' : 'created', { name: b.title[lang] || b.title.fi });
        edit(null);
        details.open = false;
        await load();
        if (id) await openSurvey(id, false);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        const list = err.fields && err.fields.length ? err.fields : [err];
        let named = false;
        for (const f of list) {
          const input = f.field && fm[f.field];
          if (input && input !== qList) { fieldError(input, `${input.id}-error`, msgs[f.code] || t('err.invalid')); if (!named) input.focus(); named = true; }
        }
        if (!named) showError(page, form, err, {}, msgs);
      } finally {
        submit.removeAttribute('aria-disabled');
      }
    });

    // ---- the list
    const list = h('div', { id: 'surveys', 'aria-busy': 'true' }, h('p', { class: 'status-line', 'aria-hidden': 'true' }, h('span', { class: 'sk sk-status' })));
    const detail = h('section', { id: 'survey-detail', class: 'panel', hidden: true, 'aria-labelledby': 'detail-h', tabindex: '-1' });
    async function load() {
      try {
        const { items } = await apiGet('admin/surveys', null, lang);
        const rows = items.map((s) => ({
          attrs: { 'data-survey': s.id, 'data-status': s.status },
          cells: [inLang(s.title), t('aud.' + s.audience), t('st.' + s.status), String(s.recipients ?? 0), String(s.answered ?? 0),
            h('span', { 'data-rate': '', text: rate(s.response_rate) }),
            h('button', { type: 'button', 'aria-label': t('openOf', { name: inLang(s.title) }), onclick: () => openSurvey(s.id, true), text: t('open') })],
        }));
        list.replaceChildren(items.length
          ? table(t('list.caption'), [t('col.title'), t('col.audience'), t('col.status'), t('col.recipients'), t('col.answered'), t('col.rate'), t('col.actions')], rows)
          : h('p', { class: 'notice', text: t('list.none') }));
        list.removeAttribute('aria-busy');
        list.dataset.loaded = String(items.length);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        list.replaceChildren(loadFailed(page, load));
        list.removeAttribute('aria-busy');
      }
    }

    function results(s) {
      const r = s.results || {};
      const byId = new Map((r.questions || []).map((q) => [q.id, q]));
      return h('div', { class: 'survey-results', id: 'survey-results' },
        h('h3', { text: t('res.h') }),
        h('p', { 'data-summary': '', text: t('res.summary', { n: r.recipients ?? 0, a: r.answered ?? 0, rate: rate(r.response_rate) }) }),
        (s.questions || []).map((q, i) => {
          const res = byId.get(q.id) || {};
          const name = `${i + 1}. ${inLang(q.text)}`;
          if (q.type === 'scale') {
            const counts = res.counts || [0, 0, 0, 0, 0];
            return h('div', { class: 'q-result', 'data-result': q.id },
              table(t('res.scaleCaption', { q: name }), [t('res.value'), t('res.count')],
                [...counts.map((c, k) => ({ cells: [t('scale.' + (k + 1)), String(c)] })),
                  { attrs: { 'data-mean': '' }, cells: [t('res.mean'), typeof res.mean === 'number' ? num.format(res.mean) : '–'] },
                  { cells: [t('res.n'), String(res.n ?? 0)] }], { 'data-scale': q.id }));
          }
          const answers = res.answers || [];
          return h('div', { class: 'q-result', 'data-result': q.id },
            h('h4', { text: name }),
            answers.length ? h('ul', { class: 'answer-list', 'data-answers': q.id }, answers.map((a) => h('li', { text: a })))
              : h('p', { class: 'hint', text: t('res.noText') }));
        }));
    }

    async function openSurvey(id, focus) {
      let s;
      try {
        s = await apiGet(`admin/surveys/${encodeURIComponent(id)}`, null, lang);
      } catch (err) {
        if (page.refused(err)) { page.deny(null); return; }
        detail.hidden = false;
        detail.replaceChildren(loadFailed(page, () => openSurvey(id, focus)));
        return;
      }
      const out = h('p', { class: 'status-line', role: 'status', id: 'send-status' });
      const parts = [h('h2', { id: 'detail-h', text: inLang(s.title) }),
        h('p', { 'data-detail-status': s.status, text: t('d.status', { status: t('st.' + s.status) }) }),
        s.sent_at ? h('p', { text: t('d.sentAt', { at: page.fmtTime(s.sent_at) }) }) : null];
      if (s.status === 'draft') {
        const sendBtn = h('button', { type: 'button', class: 'button', id: 'send', text: t('send.button') });
        let would = null;
        const countBtn = h('button', { type: 'button', class: 'button secondary', id: 'send-count', text: t('send.count'), onclick: async () => {
          try {
            const r = await apiSend('POST', `admin/surveys/${encodeURIComponent(id)}/send`, { dry_run: true }, lang);
            would = r;
            out.dataset.would = String(r.sent);
            out.textContent = r.sent ? t('send.would', { n: r.sent, skipped: r.skipped }) : t('send.none');
            sendBtn.hidden = !r.sent;
          } catch (err) {
            if (page.refused(err)) { page.deny(null); return; }
            out.textContent = err.code === 'no_recipients' ? t('send.none') : t('load.failed');
            if (err.code === 'no_recipients') { out.dataset.would = '0'; sendBtn.hidden = true; }
          }
        } });
        sendBtn.addEventListener('click', async () => {
          if (!window.confirm(would ? t('send.confirm', { n: would.sent }) : t('send.confirmAny'))) return;
          sendBtn.setAttribute('aria-disabled', 'true');
          try {
            const r = await apiSend('POST', `admin/surveys/${encodeURIComponent(id)}/send`, {}, lang);
            status.textContent = t('send.done', { n: r.sent, skipped: r.skipped });
            await load();
            await openSurvey(id, false);
          } catch (err) {
            if (page.refused(err)) { page.deny(null); return; }
            out.textContent = { survey_sent: t('err.survey_sent'), no_recipients: t('send.none') }[err.code] || t('save.failed');
            sendBtn.removeAttribute('aria-disabled');
          }
        });
        parts.push(h('p', {}, h('button', { type: 'button', class: 'button secondary', id: 'edit', text: t('edit'),
          onclick: () => { edit(s); details.open = true; titles.fi.focus(); } })),
        h('h3', { text: t('send.h') }), h('p', { class: 'form-actions' }, countBtn, sendBtn), out);
      } else {
        if (s.status === 'sent') {
          parts.push(h('p', {}, h('button', { type: 'button', class: 'button secondary', id: 'close', text: t('close'), onclick: async () => {
            if (!window.confirm(t('close.confirm'))) return;
            try {
              await apiSend('POST', `admin/surveys/${encodeURIComponent(id)}/close`, {}, lang);
              status.textContent = t('closed');
              await load();
              await openSurvey(id, false);
            } catch (err) {
              if (page.refused(err)) { page.deny(null); return; }
              out.textContent = t('save.failed');
            }
          } })), out);
        }
        parts.push(results(s));
      }
      detail.replaceChildren(...parts);
      detail.dataset.survey = id;
      detail.dataset.status = s.status;
      detail.hidden = false;
      if (focus) detail.focus();
    }

    edit(null);
    await load();
    if (!page.denied) {
      region.append(h('p', { class: 'lead', text: t('lead') }), status, details, list, detail);
    }
  },
});
