-- National-scale directory for load and search tests: 10,000 organisations
-- and 50,000 published activities covering every municipality.
--
--   psql -v ON_ERROR_STOP=1 -f tests/data/national.sql DBNAME
--
-- Needs a migrated database with the municipalities loaded.  IT FIRST
-- EMPTIES THE DIRECTORY: organisations, activities and everything hanging
-- off them (demo data included) are TRUNCATEd; counties, municipalities,
-- taxonomies, user sites and accounts are kept.  Running it again gives the
-- same data (fixed random seed, md5-derived ids), so it is idempotent.
-- About 40-50 s on 2 cores (most of it computing the search documents).
--
-- Review state: assured_date within the last 150 days (current), except
-- activities 7, 107, ... (1 %) assured 7-8 months ago and unverified, and
-- 13, 113, ... (1 %) assured 10 months ago and hidden from the search.
--
-- Distribution: every organisation has a theme need (weighted like the
-- real field: mental health, memory, caregivers, loneliness and ageing
-- common; ostomy and thyroid rare) and five activities; each activity has
-- 1-3 needs, 1-2 kinds, 1-2 target groups; areas ~85 % 1-3 municipalities of
-- the organisation's county, ~10 % the whole county, ~3 % nationwide, ~2 %
-- online.  Municipalities get organisations in proportion to population,
-- and every municipality has at least one.
--
-- The user triggers are off while loading (one bulk notification is sent at
-- the end instead of 300,000 row changes); the search documents and the
-- word list are computed once, set-based.

\set ON_ERROR_STOP on
\timing on

BEGIN;
SET LOCAL max_parallel_workers_per_gather = 0;   -- keeps random() reproducible
SET LOCAL work_mem = '64MB';
SELECT setseed(0.20250101);

TRUNCATE organizations, organization_maintainers, activities, activity_needs, activity_kinds,
         activity_target_groups, activity_municipalities, activity_languages, activity_locations,
         contacts, locations CASCADE;

ALTER TABLE organizations DISABLE TRIGGER USER;
ALTER TABLE organization_maintainers DISABLE TRIGGER USER;
ALTER TABLE activities DISABLE TRIGGER USER;
ALTER TABLE activity_needs DISABLE TRIGGER USER;
ALTER TABLE activity_kinds DISABLE TRIGGER USER;
ALTER TABLE activity_target_groups DISABLE TRIGGER USER;
ALTER TABLE activity_municipalities DISABLE TRIGGER USER;
ALTER TABLE activity_languages DISABLE TRIGGER USER;
ALTER TABLE contacts DISABLE TRIGGER USER;

-- ---------------------------------------------------------------- vocabulary
CREATE TEMP TABLE gen_need (
    id text PRIMARY KEY, weight integer, org_nouns text[], for_whom text, topic text[]
) ON COMMIT DROP;
INSERT INTO gen_need VALUES
 ('mental-health', 14, '{Mielenterveysyhdistys,Mielenterveysseura,Klubitaloyhdistys}', 'mielenterveyskuntoutujille',
  '{masennus,ahdistus,"mielen hyvinvointi",jaksaminen,toipuminen}'),
 ('substance-use', 5, '{A-kilta,Raittiusyhdistys,"Päihdetyön yhdistys"}', 'päihteistä toipuville',
  '{raittius,päihteettömyys,peliongelma,toipuminen}'),
 ('memory', 10, '{Muistiyhdistys,Muistiseura}', 'muistisairaille ja heidän läheisilleen',
  '{muistisairaus,muistikuntoutus,muistihoitaja,"muistisairauden ensitieto"}'),
 ('cancer', 5, '{Syöpäyhdistys,Syöpäkerho}', 'syöpään sairastuneille',
  '{syöpähoidot,toipuminen,sädehoito,rintasyöpä}'),
 ('cardiovascular', 5, '{Sydänyhdistys,Sydänkerho}', 'sydänsairaille',
  '{sydänterveys,verenpaine,sepelvaltimotauti,sydänkuntoutus}'),
 ('diabetes', 4, '{Diabetesyhdistys}', 'diabeetikoille',
  '{verensokeri,insuliini,ruokavalio,diabeteshoito}'),
 ('neurological', 4, '{Aivoyhdistys,MS-yhdistys,Parkinson-kerho,Epilepsiayhdistys}', 'neurologisesti sairaille',
  '{aivoverenkiertohäiriö,MS-tauti,parkinson,epilepsia}'),
 ('musculoskeletal', 4, '{Reumayhdistys,Selkäyhdistys,Nivelyhdistys}', 'reuma- ja nivelsairaille',
  '{nivelreuma,selkäkipu,nivelrikko,kivunhallinta}'),
 ('respiratory', 3, '{Allergia-\ ja\ astmayhdistys,Hengitysyhdistys}', 'astmaa ja allergioita sairastaville',
  '{astma,allergia,keuhkoahtaumatauti,hengitys}'),
 ('thyroid', 1, '{Kilpirauhasyhdistys}', 'kilpirauhassairaille', '{kilpirauhanen,hypotyreoosi}'),
 ('ostomy', 1, '{Avanneyhdistys}', 'avanneleikatuille', '{avanne,avannehoito}'),
 ('visual', 3, '{Näkövammaisyhdistys,Näkövammaisten\ kerho}', 'näkövammaisille',
  '{näkövamma,apuvälineet,opaskoira,pistekirjoitus}'),
 ('hearing', 3, '{Kuuloyhdistys,Huonokuuloisten\ yhdistys}', 'huonokuuloisille ja kuuroutuneille',
  '{kuulokoje,kuulovamma,tinnitus,viittomakieli}'),
 ('intellectual-disability', 3, '{Kehitysvammaisten\ tukiyhdistys,Erityisperheiden\ yhdistys}', 'kehitysvammaisille ja perheille',
  '{kehitysvamma,selkokieli,erityislapsi,tuettu\ asuminen}'),
 ('autism', 3, '{Autismi-\ ja\ ADHD-yhdistys,Nepsy-perheiden\ yhdistys}', 'autismikirjon ja ADHD:n kanssa eläville',
  '{autismi,ADHD,neuropsykiatria,arjen\ tuki}'),
 ('physical-disability', 4, '{Invalidiyhdistys,Liikuntarajoitteisten\ yhdistys,Soveltavan\ liikunnan\ seura}', 'liikuntavammaisille',
  '{liikuntavamma,esteettömyys,pyörätuoli,apuvälineet}'),
 ('rare-diseases', 2, '{Harvinaisyhdistys}', 'harvinaisia sairauksia sairastaville',
  '{harvinainen\ sairaus,oireyhtymä,perinnöllinen\ sairaus}'),
 ('loneliness', 8, '{Ystäväpiiri,Ystävätoiminnan\ yhdistys,Kyläyhdistys}', 'yksinäisyyttä kokeville',
  '{ystävätoiminta,yksinäisyys,seura,yhteisöllisyys}'),
 ('caregivers', 8, '{Omaishoitajayhdistys,Omaisyhdistys}', 'omaishoitajille ja läheisille',
  '{omaishoito,jaksaminen,vapaapäivät,sijaishoito}'),
 ('parenting', 6, '{Perheyhdistys,Lapsiperheiden\ yhdistys,Vauvaperheyhdistys}', 'lapsiperheille',
  '{vanhemmuus,vauvaperhe,yksinhuoltajuus,eroperhe}'),
 ('ageing', 8, '{Eläkeläisyhdistys,Senioriyhdistys,Vanhustuen\ yhdistys}', 'ikäihmisille',
  '{ikääntyminen,toimintakyky,kaatumisten\ ehkäisy,kotona\ asuminen}'),
 ('livelihood', 3, '{Työttömien\ yhdistys,Ruoka-apuyhdistys}', 'työttömille ja taloushuolissa oleville',
  '{työnhaku,velkaneuvonta,ruoka-apu,toimeentulo}'),
 ('integration', 3, '{Monikulttuurinen\ yhdistys,Kotoutumisyhdistys}', 'maahan muuttaneille',
  '{kotoutuminen,suomen\ kieli,kielikahvila,monikulttuurisuus}'),
 ('violence-crisis', 2, '{Kriisikeskusyhdistys,Turvakotiyhdistys}', 'kriisissä oleville',
  '{kriisiapu,lähisuhdeväkivalta,trauma,turvallisuus}'),
 ('grief', 2, '{Surutyön\ yhdistys}', 'läheisensä menettäneille', '{suru,menetys,leskeys}'),
 ('housing', 2, '{Asumisyhdistys,Asunnottomien\ tukiyhdistys}', 'asunnottomille ja asumisen tukea tarvitseville',
  '{asunnottomuus,asumisneuvonta,vuokravelka,tuettu\ asuminen}');

CREATE TEMP TABLE gen_kind (id text PRIMARY KEY, weight integer, nouns text[], verb text) ON COMMIT DROP;
INSERT INTO gen_kind VALUES
 ('peer-support', 30, '{Vertaisryhmä,Vertaistukiryhmä,Keskusteluryhmä,Vertaistapaaminen}', 'jakaa kokemuksia'),
 ('volunteering', 8, '{Ystävätoiminta,Tukihenkilötoiminta,"Vapaaehtoinen ystävä",Ulkoiluystävät}', 'saada vapaaehtoisen tukea'),
 ('guidance', 10, '{Neuvonta,Ohjauspiste,Neuvontapuhelin,Palveluohjaus}', 'saada neuvoja'),
 ('exercise', 12, '{Liikuntaryhmä,Kuntosaliryhmä,Vesijumppa,Tuolijumppa,Kävelyryhmä}', 'liikkua yhdessä'),
 ('drop-in', 10, '{Kohtaamispaikka,Olohuone,Kahvila,"Avoimet ovet"}', 'tulla juttelemaan'),
 ('recreation', 6, '{Virkistyspäivä,Retki,Leiri,Kesäjuhla}', 'virkistäytyä'),
 ('courses', 7, '{Kurssi,Luentosarja,Työpaja,Opintopiiri}', 'oppia uutta'),
 ('rehabilitation', 3, '{Sopeutumisvalmennuskurssi,Kuntoutuskurssi,Kuntoutusjakso}', 'kuntoutua'),
 ('crisis-help', 2, '{Kriisiapu,Kriisipuhelin,Kriisivastaanotto}', 'saada apua kriisissä'),
 ('advocacy', 3, '{Vaikuttamisryhmä,Jäsenilta,Kokemusvaikuttajat}', 'vaikuttaa'),
 ('clubs', 8, '{Kerho,Harrastuspiiri,Kuoro,Käsityöpiiri,Lukupiiri}', 'harrastaa yhdessä'),
 ('online', 4, '{Verkkoryhmä,Chat,Puhelinryhmä,Etätapaaminen}', 'osallistua kotoa käsin');

CREATE TEMP TABLE gen_tg (id text PRIMARY KEY, weight integer) ON COMMIT DROP;
INSERT INTO gen_tg VALUES ('children', 6), ('youth', 10), ('working-age', 30), ('older', 30),
                          ('relatives', 14), ('families', 10);

-- Sentences for descriptions (%s = the need's "for whom" phrase).
CREATE TEMP TABLE gen_sentence (n integer PRIMARY KEY, s text) ON COMMIT DROP;
INSERT INTO gen_sentence (n, s) SELECT row_number() OVER (), s FROM unnest(ARRAY[
 'Toiminta on tarkoitettu %s.',
 'Ryhmässä voi jakaa kokemuksia ja saada tukea muilta samassa tilanteessa olevilta.',
 'Ohjaajana toimii koulutettu vertaisohjaaja, ja mukana on tarvittaessa ammattilainen.',
 'Tapaamisissa juodaan kahvit, kuullaan lyhyt alustus ja keskustellaan ajankohtaisista asioista.',
 'Kaikki mitä ryhmässä puhutaan, jää ryhmään.',
 'Voit tulla mukaan yksin tai yhdessä läheisen kanssa.',
 'Toimintaan ei tarvitse lähetettä eikä diagnoosia.',
 'Ensimmäisellä kerralla voit tulla vain tutustumaan.',
 'Tila on esteetön, ja paikalle pääsee julkisilla liikennevälineillä.',
 'Toiminta on maksutonta, ja se rahoitetaan avustuksella.',
 'Syksyn ja kevään ohjelmassa on asiantuntijaluentoja, liikuntaa ja yhteisiä retkiä.',
 'Vapaaehtoiset ovat käyneet peruskoulutuksen, ja heillä on vaitiolovelvollisuus.',
 'Tarvittaessa järjestämme kuljetuksen tai kimppakyydin.',
 'Ryhmä kokoontuu yhdistyksen toimitiloissa tai kirjaston kokoushuoneessa.',
 'Toiminnassa korostuvat arjen voimavarat, osallisuus ja yhdessä tekeminen.',
 'Tapaamisiin voi osallistua myös etäyhteydellä.',
 'Kysy lisää yhteyshenkilöltä, niin kerromme mielellämme toiminnasta.',
 'Ryhmän koko on enintään kaksitoista osallistujaa.',
 'Tule sellaisena kuin olet – ilmoittautumista ei tarvita.',
 'Tarjoamme tietoa palveluista, etuuksista ja sairauden kanssa elämisestä.'
]) AS s;

-- Municipalities with cumulative population (for weighted choice).
CREATE TEMP TABLE gen_muni ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY code)::integer AS n, code, name_fi, county_key,
       coalesce(population, 1000) AS pop,
       sum(coalesce(population, 1000)) OVER (ORDER BY code) - coalesce(population, 1000) AS cum_lo,
       sum(coalesce(population, 1000)) OVER (ORDER BY code) AS cum_hi
FROM municipalities;
CREATE TEMP TABLE gen_county_muni ON COMMIT DROP AS
SELECT county_key, array_agg(code ORDER BY code) AS codes FROM municipalities GROUP BY county_key;

CREATE TEMP TABLE gen_need_cum ON COMMIT DROP AS
SELECT id, sum(weight) OVER (ORDER BY id) - weight AS lo, sum(weight) OVER (ORDER BY id) AS hi,
       sum(weight) OVER () AS total FROM gen_need;
CREATE TEMP TABLE gen_kind_cum ON COMMIT DROP AS
SELECT id, sum(weight) OVER (ORDER BY id) - weight AS lo, sum(weight) OVER (ORDER BY id) AS hi,
       sum(weight) OVER () AS total FROM gen_kind;
CREATE TEMP TABLE gen_tg_cum ON COMMIT DROP AS
SELECT id, sum(weight) OVER (ORDER BY id) - weight AS lo, sum(weight) OVER (ORDER BY id) AS hi,
       sum(weight) OVER () AS total FROM gen_tg;

-- ---------------------------------------------------------------- organisations
CREATE TEMP TABLE gen_org ON COMMIT DROP AS
SELECT g, md5('tarjotin-org-' || g)::uuid AS id, m.code AS seat, m.name_fi AS place, m.county_key,
       nd.id AS need, r_noun, r_frame
FROM (SELECT g, random() AS r_muni, random() AS r_need, random() AS r_noun, random() AS r_frame
      FROM generate_series(1, 10000) AS g) AS x
JOIN gen_muni AS m
  ON CASE WHEN x.g <= (SELECT count(*) FROM gen_muni) THEN m.n = x.g
          ELSE x.r_muni * (SELECT max(cum_hi) FROM gen_muni) >= m.cum_lo
               AND x.r_muni * (SELECT max(cum_hi) FROM gen_muni) < m.cum_hi END
JOIN gen_need_cum AS nd ON x.r_need * nd.total >= nd.lo AND x.r_need * nd.total < nd.hi;

INSERT INTO organizations (id, name, frame, description, website, email, phone, seat_municipality,
                           status, approved_at, created_at, updated_at)
SELECT o.id,
       n.org_nouns[1 + floor(o.r_noun * cardinality(n.org_nouns))::integer] || ' ' || o.place
         || CASE WHEN o.g > 308 AND o.r_frame < 0.5 THEN ' ' || (o.g % 97 + 1) ELSE '' END || ' ry',
       (CASE WHEN o.r_frame < 0.02 THEN 'federation' WHEN o.r_frame < 0.10 THEN 'district'
             WHEN o.r_frame < 0.70 THEN 'association' WHEN o.r_frame < 0.85 THEN 'branch'
             WHEN o.r_frame < 0.93 THEN 'club' ELSE 'group' END)::organization_frame,
       'Paikallinen yhdistys, joka tukee ' || n.for_whom || ' ' || o.place
         || ' ja lähikunnissa. Toiminta perustuu vapaaehtoisuuteen ja vertaisuuteen.',
       'https://org' || o.g || '.example.org/', 'org' || o.g || '@example.org',
       '+358 40 0000' || lpad((o.g % 1000)::text, 3, '0'), o.seat, 'approved',
       now() - (o.g % 700) * interval '1 day', now() - (o.g % 900 + 30) * interval '1 day',
       now() - (o.g % 300) * interval '1 day'
FROM gen_org AS o JOIN gen_need AS n ON n.id = o.need;

INSERT INTO organization_maintainers (organization_id, email)
SELECT id, 'org' || g || '@example.org' FROM gen_org;

-- ---------------------------------------------------------------- activities
CREATE TEMP TABLE gen_act ON COMMIT DROP AS
SELECT a, md5('tarjotin-activity-' || a)::uuid AS id, o.g AS org_g, o.id AS org_id, o.need,
       o.seat, o.place, o.county_key,
       random() AS r_area, random() AS r_kind, random() AS r_kind2, random() AS r_tg, random() AS r_tg2,
       random() AS r_need2, random() AS r_need3, random() AS r_nmun, random() AS r_lang,
       random() AS r_take, random() AS r_cr, random() AS r_date, random() AS r_desc, random() AS r_noun
FROM generate_series(1, 50000) AS a
JOIN gen_org AS o ON o.g = 1 + (a - 1) % 10000;

ALTER TABLE gen_act ADD COLUMN kind text, ADD COLUMN area area_type;
UPDATE gen_act AS x SET
    kind = k.id,
    area = CASE WHEN x.a <= 308 OR x.r_area < 0.85 THEN 'municipalities'
                WHEN x.r_area < 0.95 THEN 'county'
                WHEN x.r_area < 0.98 THEN 'nationwide' ELSE 'online' END::area_type
FROM gen_kind_cum AS k
WHERE x.r_kind * k.total >= k.lo AND x.r_kind * k.total < k.hi;
-- online activities are mostly online groups
UPDATE gen_act SET kind = 'online' WHERE area = 'online' AND r_kind2 < 0.7;

INSERT INTO activities (id, organization_id, name, summary, description, for_whom, how_to_join, cost,
                        schedule, accessibility, area_type, area_county, takes_new,
                        accepts_contact_requests, contact_request_email, response_days, status,
                        assured_date, assurer, freshness, created_at, updated_at)
SELECT x.id, x.org_id,
       k.nouns[1 + floor(x.r_noun * cardinality(k.nouns))::integer] || ' '
         || n.for_whom || ' – '
         || CASE x.area WHEN 'municipalities' THEN x.place WHEN 'county' THEN 'koko hyvinvointialue'
                        WHEN 'nationwide' THEN 'valtakunnallinen' ELSE 'verkossa' END,
       initcap(left(k.verb, 1)) || substr(k.verb, 2) || ' ja tavata muita: '
         || n.topic[1 + floor(x.r_desc * cardinality(n.topic))::integer] || ', '
         || n.topic[1 + floor(x.r_kind2 * cardinality(n.topic))::integer] || '.',
       (SELECT string_agg(replace(s.s, '%s', n.for_whom), ' ' ORDER BY s.n)
        FROM gen_sentence AS s
        WHERE (s.n * 7919 + x.a::bigint * 104729) % 20 < 5 OR s.n = 1),
       initcap(left(n.for_whom, 1)) || substr(n.for_whom, 2) || '.',
       CASE WHEN x.r_take < 0.5 THEN 'Tule paikan päälle, ilmoittautumista ei tarvita.'
            ELSE 'Ilmoittaudu yhteyshenkilölle puhelimitse tai sähköpostilla.' END,
       CASE WHEN x.r_cr < 0.7 THEN 'Maksuton.' WHEN x.r_cr < 0.9 THEN '2 € / kerta.' ELSE 'Jäsenmaksu 20 € / vuosi.' END,
       (ARRAY['Maanantaisin', 'Tiistaisin', 'Keskiviikkoisin', 'Torstaisin', 'Perjantaisin',
              'Joka toinen tiistai', 'Kuukauden ensimmäinen keskiviikko', 'Lauantaisin'])[1 + x.a % 8]
         || ' klo ' || (9 + x.a % 9) || '–' || (11 + x.a % 9) || '.',
       CASE WHEN x.r_lang < 0.6 THEN 'Esteetön tila.' ELSE '' END,
       x.area, CASE WHEN x.area = 'county' THEN x.county_key END,
       x.r_take < 0.85,
       x.r_cr < 0.6, CASE WHEN x.r_cr < 0.6 THEN 'org' || x.org_g || '@example.org' END,
       CASE WHEN x.r_cr < 0.6 THEN 3 + x.a % 5 END,
       'published',
       -- the review (docs/selfservice.md "Demo data"): assured within the last
       -- 150 days, except 1 % assured 7-8 months ago (unverified) and 1 % 10
       -- months ago (hidden)
       CASE x.a % 100
           WHEN 7 THEN (current_date - interval '7 months 5 days' - ((x.a / 100) % 20) * interval '1 day')::date
           WHEN 13 THEN (current_date - interval '10 months' - ((x.a / 100) % 20) * interval '1 day')::date
           ELSE current_date - floor(x.r_date * 150)::integer END,
       'org' || x.org_g || '@example.org',
       (CASE x.a % 100 WHEN 7 THEN 'unverified' WHEN 13 THEN 'hidden' ELSE 'current' END)::activity_freshness,
       now() - (600 + x.a % 300) * interval '1 day', now() - floor(x.r_date * 150) * interval '1 day'
FROM gen_act AS x
JOIN gen_need AS n ON n.id = x.need
JOIN gen_kind AS k ON k.id = x.kind;

-- needs: the organisation's theme + 0-2 more (weighted)
INSERT INTO activity_needs (activity_id, term_id)
SELECT id, need FROM gen_act
UNION
SELECT x.id, c.id FROM gen_act AS x JOIN gen_need_cum AS c
  ON x.r_need2 < 0.55 AND (x.r_need2 / 0.55) * c.total >= c.lo AND (x.r_need2 / 0.55) * c.total < c.hi
UNION
SELECT x.id, c.id FROM gen_act AS x JOIN gen_need_cum AS c
  ON x.r_need3 < 0.20 AND (x.r_need3 / 0.20) * c.total >= c.lo AND (x.r_need3 / 0.20) * c.total < c.hi;

-- kinds: the main kind + a second one for ~40 %
INSERT INTO activity_kinds (activity_id, term_id)
SELECT id, kind FROM gen_act
UNION
SELECT x.id, c.id FROM gen_act AS x JOIN gen_kind_cum AS c
  ON x.r_kind2 < 0.4 AND (x.r_kind2 / 0.4) * c.total >= c.lo AND (x.r_kind2 / 0.4) * c.total < c.hi;

INSERT INTO activity_target_groups (activity_id, term_id)
SELECT x.id, c.id FROM gen_act AS x JOIN gen_tg_cum AS c
  ON x.r_tg * c.total >= c.lo AND x.r_tg * c.total < c.hi
UNION
SELECT x.id, c.id FROM gen_act AS x JOIN gen_tg_cum AS c
  ON x.r_tg2 < 0.45 AND (x.r_tg2 / 0.45) * c.total >= c.lo AND (x.r_tg2 / 0.45) * c.total < c.hi;

-- municipalities: the seat + 0-2 others of the same county
INSERT INTO activity_municipalities (activity_id, municipality_code)
SELECT x.id, x.seat FROM gen_act AS x WHERE x.area = 'municipalities'
UNION
SELECT x.id, cm.codes[1 + (x.a * 31 + i * 17) % cardinality(cm.codes)]
FROM gen_act AS x
JOIN gen_county_muni AS cm ON cm.county_key = x.county_key
CROSS JOIN generate_series(1, 2) AS i
WHERE x.area = 'municipalities' AND x.r_nmun < CASE i WHEN 1 THEN 0.45 ELSE 0.15 END;

INSERT INTO activity_languages (activity_id, language)
SELECT id, 'fi' FROM gen_act WHERE r_lang >= 0.01
UNION ALL SELECT id, 'sv' FROM gen_act WHERE r_lang < 0.05 OR county_key IN ('AH') AND r_lang < 0.9
UNION ALL SELECT id, 'en' FROM gen_act WHERE r_lang < 0.02;

INSERT INTO contacts (id, activity_id, name, role, email, phone)
SELECT md5('tarjotin-contact-' || x.a)::uuid, x.id,
       (ARRAY['Aino', 'Eino', 'Helmi', 'Väinö', 'Kerttu', 'Onni', 'Siiri', 'Toivo', 'Lyydia', 'Veikko'])[1 + x.a % 10]
         || ' ' ||
       (ARRAY['Esimerkki', 'Testinen', 'Mallikas', 'Kuvitelma', 'Demola', 'Sepite', 'Keksitty'])[1 + x.a % 7],
       'yhteyshenkilö', 'org' || x.org_g || '@example.org',
       '+358 40 0000' || lpad((x.a % 1000)::text, 3, '0')
FROM gen_act AS x;

ALTER TABLE organizations ENABLE TRIGGER USER;
ALTER TABLE organization_maintainers ENABLE TRIGGER USER;
ALTER TABLE activities ENABLE TRIGGER USER;
ALTER TABLE activity_needs ENABLE TRIGGER USER;
ALTER TABLE activity_kinds ENABLE TRIGGER USER;
ALTER TABLE activity_target_groups ENABLE TRIGGER USER;
ALTER TABLE activity_municipalities ENABLE TRIGGER USER;
ALTER TABLE activity_languages ENABLE TRIGGER USER;
ALTER TABLE contacts ENABLE TRIGGER USER;

-- the bulk notification that the triggers would have sent (see 0004)
SELECT pg_notify('tarjotin_directory',
                 json_build_object('table', t, 'op', 'insert', 'entity', e, 'id', NULL, 'count', n)::text)
FROM (VALUES ('organizations', 'organization', 10000), ('activities', 'activity', 50000)) AS v(t, e, n);

COMMIT;

ANALYZE;

SELECT (SELECT count(*) FROM organizations) AS organizations,
       (SELECT count(*) FROM activities) AS activities,
       (SELECT count(DISTINCT municipality_code) FROM activity_municipalities) AS municipalities_with_local;
SELECT area_type, count(*), round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM activities GROUP BY 1 ORDER BY 2 DESC;
