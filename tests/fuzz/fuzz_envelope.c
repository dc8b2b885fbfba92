// units: tests/fuzz/fuzzin.c services/directory/authz.c services/directory/reply.c
// units: services/directory/doccall.c services/directory/idcall.c services/directory/actdoc.c
// units: services/directory/regdoc.c services/directory/surveydoc.c services/directory/crdoc.c
// units: services/directory/docfields.c services/directory/wdb.c
/*
 * fuzz_envelope - what the directory decodes from a ZeroMQ frame, in the
 * order front.c and workers.c do: rpc_unpack_envelope, authz_check on the
 * principal it carries (every type, default deny), then the payload of
 * the type an input byte selects, as that type's handler unpacks it: a
 * DocCall (doccall_open: its JSON body) and, for the types that validate
 * a document, that validation (actdoc, regdoc, surveydoc, crdoc); an
 * IdentityCall (idcall_open and its accessors); or the type's own message
 * (search, HSDS, messages, delivery reports, sign-in, login links, audit
 * events, ping, health).  What comes after a handler's checks needs
 * PostgreSQL and is not reached.  Input: the selector byte; with its top
 * bit the envelope is raw bytes, else the harness packs one from a role
 * byte, an account id and a JSON body, so the fuzzer reaches the document
 * checks through the real unpacking.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "directory.pb-c.h"
#include "envelope.pb-c.h"
#include "hsds.pb-c.h"
#include "identity.pb-c.h"
#include "notify.pb-c.h"
#include "rpc.h"
#include "seal.h"
#include "search.pb-c.h"
#include "selfservice.pb-c.h"
#include "services/directory/actdoc.h"
#include "services/directory/authz.h"
#include "services/directory/crdoc.h"
#include "services/directory/doccall.h"
#include "services/directory/idcall.h"
#include "services/directory/regdoc.h"
#include "services/directory/reply.h"
#include "services/directory/surveydoc.h"
#include "tests/fuzz/fuzzin.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum payload { DOC, ID, OWN };
enum check { NONE, ACT_CREATE, ACT_SAVE, REGISTRATION, ORG_PROFILE, SURVEY, RECIPIENTS, CR_SEND };

#define T(x) TARJOTIN__MSG_TYPE__MSG_##x
#define OWN_OF(x) OWN, &tarjotin__##x##__descriptor

/* Every type the directory handles (handlers.c, front.c) and its payload. */
static const struct {
	Tarjotin__MsgType type;
	enum payload payload;
	const ProtobufCMessageDescriptor *desc; /* OWN */
	enum check check;
} types[] = {
	{ T(PING), OWN_OF(ping), NONE },
	{ T(HEALTH), OWN_OF(health_request), NONE },
	{ T(MESSAGE_SEND), OWN_OF(message_send_request), NONE },
	{ T(MESSAGE_LIST), OWN_OF(message_query), NONE },
	{ T(MESSAGE_GET), OWN_OF(message_query), NONE },
	{ T(DEAD_LETTER_LIST), OWN_OF(message_query), NONE },
	{ T(DEAD_LETTER_REQUEUE), OWN_OF(message_query), NONE },
	{ T(DELIVERY_REPORT), OWN_OF(delivery_report), NONE },
	{ T(HSDS), OWN_OF(hsds_request), NONE },
	{ T(SEARCH), OWN_OF(search_request), NONE },
	{ T(ACTIVITY_GET), OWN_OF(activity_get), NONE },
	{ T(ORGANIZATION_GET), OWN_OF(organization_get), NONE },
	{ T(TAXONOMY_LIST), OWN_OF(reference_list), NONE },
	{ T(MUNICIPALITY_LIST), OWN_OF(reference_list), NONE },
	{ T(AUTH_SIGNIN), OWN_OF(sign_in_request), NONE },
	{ T(AUTH_FAILED), OWN_OF(sign_in_failure), NONE },
	{ T(LOGIN_LINK_REQUEST), OWN_OF(login_link_request), NONE },
	{ T(LOGIN_LINK_CONSUME), OWN_OF(login_link_consume), NONE },
	{ T(AUDIT_WRITE), OWN_OF(audit_event), NONE },
	{ T(AUDIT_LIST), ID, NULL, NONE },
	{ T(USER_SITE_LIST), ID, NULL, NONE },
	{ T(USER_SITE_SAVE), ID, NULL, NONE },
	{ T(ACCOUNT_LIST), ID, NULL, NONE },
	{ T(ACCOUNT_INVITE), ID, NULL, NONE },
	{ T(ACCOUNT_UPDATE), ID, NULL, NONE },
	{ T(EDITOR_LIST), ID, NULL, NONE },
	{ T(EDITOR_ADD), ID, NULL, NONE },
	{ T(EDITOR_REMOVE), ID, NULL, NONE },
	{ T(REVIEW_LINK_PEEK), DOC, NULL, NONE },
	{ T(REVIEW_LINK_CONFIRM), DOC, NULL, NONE },
	{ T(EDITOR_ORGANIZATIONS), DOC, NULL, NONE },
	{ T(ORG_ACTIVITIES), DOC, NULL, NONE },
	{ T(ACTIVITY_CREATE), DOC, NULL, ACT_CREATE },
	{ T(ACTIVITY_EDIT_GET), DOC, NULL, NONE },
	{ T(ACTIVITY_SAVE), DOC, NULL, ACT_SAVE },
	{ T(ACTIVITY_STATUS), DOC, NULL, NONE },
	{ T(ACTIVITY_CONFIRM), DOC, NULL, NONE },
	{ T(HISTORY_LIST), DOC, NULL, NONE },
	{ T(REGISTRATION_SUBMIT), DOC, NULL, REGISTRATION },
	{ T(REGISTRATION_LIST), DOC, NULL, NONE },
	{ T(REGISTRATION_DECIDE), DOC, NULL, NONE },
	{ T(ORG_PROFILE_GET), DOC, NULL, NONE },
	{ T(ORG_PROFILE_SAVE), DOC, NULL, ORG_PROFILE },
	{ T(REVIEW_REPORT), DOC, NULL, NONE },
	{ T(TAXONOMY_ADMIN_LIST), DOC, NULL, NONE },
	{ T(TAXONOMY_TERM_SAVE), DOC, NULL, NONE },
	{ T(CR_CONSENT), DOC, NULL, NONE },
	{ T(CR_SEND), DOC, NULL, CR_SEND },
	{ T(CR_WITHDRAW_PEEK), DOC, NULL, NONE },
	{ T(CR_WITHDRAW), DOC, NULL, NONE },
	{ T(SMS_INCOMING), DOC, NULL, NONE },
	{ T(CR_MINE), DOC, NULL, NONE },
	{ T(CR_MINE_GET), DOC, NULL, NONE },
	{ T(CR_INBOX), DOC, NULL, NONE },
	{ T(CR_OPEN), DOC, NULL, NONE },
	{ T(CR_STATUS), DOC, NULL, NONE },
	{ T(STATS_COVERAGE), DOC, NULL, NONE },
	{ T(SURVEY_LIST), DOC, NULL, NONE },
	{ T(SURVEY_SAVE), DOC, NULL, SURVEY },
	{ T(SURVEY_GET), DOC, NULL, NONE },
	{ T(SURVEY_SEND), DOC, NULL, RECIPIENTS },
	{ T(SURVEY_CLOSE), DOC, NULL, NONE },
	{ T(SURVEY_PEEK), DOC, NULL, NONE },
	{ T(SURVEY_ANSWER), DOC, NULL, NONE },
};
#define N_TYPES (sizeof(types) / sizeof(types[0]))

/* libFuzzer's: once at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		exit(1);
	return 0;
}

/* The document check of a DocCall type, as its handler runs it. */
static void check_doc(enum check check, const json_t *body)
{
	struct docerr e;
	json_t *out = check == ACT_CREATE || check == ACT_SAVE ? NULL : json_object();
	char *s;

	docerr_init(&e);
	switch (check) {
	case ACT_CREATE:
	case ACT_SAVE:
		out = actdoc_validate(body, check == ACT_CREATE, false, &e);
		break;
	case REGISTRATION:
		regdoc_registration(&e, body, out);
		break;
	case ORG_PROFILE:
		regdoc_org(&e, body, out);
		break;
	case SURVEY:
		surveydoc_survey(&e, body, out);
		break;
	case RECIPIENTS:
		surveydoc_recipients(&e, body, out);
		break;
	case CR_SEND:
		crdoc_send(&e, body, out, 5);
		if (!docerr_any(&e)) {
			s = crdoc_client_json(out);
			seal_wipe_free(s);
		}
		break;
	default:
		break;
	}
	json_decref(out);
	docerr_release(&e);
}

/* What the directory does with one frame of type index t. */
static void serve(const uint8_t *frame, size_t len, size_t t)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Envelope *req = rpc_unpack_envelope(frame, len);
	enum authz_rule rule;

	if (!req)
		return;
	req->type = types[t].type; /* the selector names it, not the bytes */
	if (authz_rule_of(req->type, &rule))
		fuzzin_fail("a type the directory handles has no authorization rule");
	if (authz_check(req->type, req->principal, &reply) == 0) {
		if (types[t].payload == DOC) {
			struct doccall c;

			if (doccall_open(req, &c, &reply) == 0) {
				if (!json_is_object(c.body))
					fuzzin_fail("doccall_open: the body is not an object");
				check_doc(types[t].check, c.body);
			}
			doccall_close(&c);
		} else if (types[t].payload == ID) {
			struct idcall c;

			if (idcall_open(req, &c, &reply) == 0) {
				(void)idcall_str(&c, "name");
				(void)idcall_has(&c, "email");
				(void)idcall_int(&c, "page", 1, 1000);
			}
			idcall_close(&c);
		} else {
			ProtobufCMessage *m = protobuf_c_message_unpack(types[t].desc, NULL,
									req->payload.len,
									req->payload.data);

			if (m)
				protobuf_c_message_free_unpacked(m, NULL);
		}
	}
	reply_release(&reply);
	tarjotin__envelope__free_unpacked(req, NULL);
}

/* An envelope packed here: principal, then a DocCall or IdentityCall with
 * the JSON body (an OWN type gets the body bytes as its payload). */
static void packed(struct fuzzin *in, size_t t)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Principal p = TARJOTIN__PRINCIPAL__INIT;
	Tarjotin__DocCall dc = TARJOTIN__DOC_CALL__INIT;
	Tarjotin__IdentityCall ic = TARJOTIN__IDENTITY_CALL__INIT;
	char second[] = "0b5e6d3c-47a8-4d65-9a8e-3f1f4f0b2a11", *orgs[2];
	uint8_t role = fuzzin_byte(in), *frame;
	size_t len, flen;
	const char *body;

	p.role = (Tarjotin__Role)(role & 15);
	p.account_id = (char *)fuzzin_str(in);
	orgs[0] = (char *)fuzzin_str(in);
	orgs[1] = second;
	p.n_organization_ids = role & 16 ? 2 : role & 32 ? 1 : 0;
	p.organization_ids = orgs;
	p.user_site_id = (char *)fuzzin_str(in);
	dc.id = ic.id = (char *)fuzzin_str(in);
	dc.lang = (char *)fuzzin_str(in);
	body = fuzzin_rest(in, &len);
	dc.json.data = ic.json.data = (uint8_t *)body;
	dc.json.len = ic.json.len = len;
	env.type = types[t].type;
	env.principal = role & 64 ? NULL : &p;
	if (types[t].payload == DOC)
		rpc_pack_payload(&dc.base, &env.payload);
	else if (types[t].payload == ID)
		rpc_pack_payload(&ic.base, &env.payload);
	else
		env.payload.data = (uint8_t *)body, env.payload.len = len;
	frame = rpc_pack_envelope(&env, &flen);
	serve(frame, flen, t);
	free(frame);
	if (types[t].payload != OWN)
		free(env.payload.data);
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;
	size_t len;
	const char *rest;

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	if (sel & 0x80) {
		rest = fuzzin_rest(&in, &len);
		serve((const uint8_t *)rest, len, (sel & 0x7f) % N_TYPES);
	} else {
		packed(&in, sel % N_TYPES);
	}
	fuzzin_release(&in);
	return 0;
}
