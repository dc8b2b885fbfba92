/*
 * identity.c - see identity.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docparse.h"
#include "envelope.pb-c.h"
#include "fields.h"
#include "gateway.h"
#include "guard.h"
#include "identity.h"
#include "log.h"
#include "num.h"
#include "oidc.h"
#include "session.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

/* The longest page of a list the directory answers (accounts.c,
 * auditlog.c): a larger limit is refused here, naming the field. */
#define LIST_MAX 200

enum kind {
	K_NAME,
	K_EMAIL,
	K_COUNTY,
	K_DOMAINS,
	K_IDP,
	K_GROUP,
	K_ROLE,
	K_UUID,
	K_UUIDS,
	K_LANG,
	K_BOOL
};

struct field {
	const char *name;
	enum kind kind;
	bool required;
	bool nullable;
};

static const struct field site_fields[] = {
	{ "name", K_NAME, true, false },
	{ "county", K_COUNTY, true, false },
	{ "email_domains", K_DOMAINS, true, false },
	{ "idp", K_IDP, false, true },
	{ "idp_group", K_GROUP, false, true },
	{ "contact_email", K_EMAIL, false, true },
	{ NULL, 0, false, false },
};

static const struct field invite_fields[] = {
	{ "email", K_EMAIL, true, false },
	{ "name", K_NAME, false, false },
	{ "role", K_ROLE, true, false },
	{ "user_site_id", K_UUID, false, true },
	{ "organization_ids", K_UUIDS, false, false },
	{ "lang", K_LANG, false, false },
	{ NULL, 0, false, false },
};

static const struct field account_fields[] = {
	{ "name", K_NAME, false, false },        { "role", K_ROLE, false, false },
	{ "user_site_id", K_UUID, false, true }, { "organization_ids", K_UUIDS, false, false },
	{ "disabled", K_BOOL, false, false },    { NULL, 0, false, false },
};

static const struct field editor_fields[] = {
	{ "email", K_EMAIL, true, false },
	{ "name", K_NAME, false, false },
	{ "lang", K_LANG, false, false },
	{ NULL, 0, false, false },
};

/* --- checking the body --------------------------------------------------- */

static const char *kind_rule(enum kind k)
{
	switch (k) {
	case K_NAME:
		return "at most 200 characters without control characters";
	case K_EMAIL:
		return "a valid e-mail address";
	case K_COUNTY:
		return "two capital letters";
	case K_DOMAINS:
		return "1 to 20 domain names of [a-z0-9.-] with a dot";
	case K_IDP:
		return "the key of a configured identity provider, or null";
	case K_GROUP:
		return "at most 200 characters without control characters, or null";
	case K_ROLE:
		return "professional, editor, admin or funder";
	case K_UUID:
		return "a uuid";
	case K_UUIDS:
		return "at most 50 uuids";
	case K_LANG:
		return "fi, sv or en";
	default:
		return "true or false";
	}
}

/* The canonical form of one value, or NULL when it breaks its rule. */
static json_t *check_value(struct req *r, enum kind k, json_t *v)
{
	const char *s = json_string_value(v);
	char buf[EMAIL_MAX_LEN + 1], id[UUID_STR_SIZE];
	json_t *out;
	size_t i;

	switch (k) {
	case K_NAME:
		return fields_name_ok(s, true) ? json_string(s) : NULL;
	case K_EMAIL:
		return s && !fields_email(s, buf) ? json_string(buf) : NULL;
	case K_COUNTY:
		return fields_county_ok(s) ? json_string(s) : NULL;
	case K_IDP:
		return s && r->gw->oidc && oidc_find(r->gw->oidc, s) ? json_string(s) : NULL;
	case K_GROUP:
		return fields_name_ok(s, true) ? json_string(s) : NULL;
	case K_ROLE:
		return fields_role_ok(s) ? json_string(s) : NULL;
	case K_LANG:
		return fields_lang_ok(s) ? json_string(s) : NULL;
	case K_UUID:
		return s && uuid_parse(s, strlen(s), id) ? json_string(id) : NULL;
	case K_BOOL:
		return json_is_boolean(v) ? json_boolean(json_is_true(v)) : NULL;
	case K_DOMAINS:
	case K_UUIDS:
		if (!json_is_array(v) ||
		    json_array_size(v) > (k == K_DOMAINS ? FIELDS_DOMAINS_MAX : FIELDS_ORGS_MAX) ||
		    (k == K_DOMAINS && json_array_size(v) == 0))
			return NULL;
		out = json_array();
		for (i = 0; i < json_array_size(v); i++) {
			s = json_string_value(json_array_get(v, i));
			if (k == K_DOMAINS && fields_domain_ok(s))
				json_array_append_new(out, json_string(s));
			else if (k == K_UUIDS && s && uuid_parse(s, strlen(s), id))
				json_array_append_new(out, json_string(id));
			else
				break;
		}
		if (i < json_array_size(v)) {
			json_decref(out);
			return NULL;
		}
		return out;
	}
	return NULL;
}

/* Checks the body by the field list.  Returns its canonical JSON (sorted
 * keys; unknown fields left out; free()), or NULL with a 400 queued. */
static char *check_body(struct req *r, const struct field *f, unsigned *status)
{
	json_t *body = req_body_object(r), *clean;
	char *text = NULL;

	if (!body) {
		*status = req_reply_error(r, 400, "invalid_body", "body",
					  "the body must be a JSON object");
		return NULL;
	}
	clean = json_object();
	for (; f->name; f++) {
		json_t *v = json_object_get(body, f->name), *c;

		if (!v || (json_is_null(v) && !f->nullable && !f->required)) {
			if (f->required) {
				*status = req_reply_error(r, 400, "invalid_parameter", f->name,
							  "%s is required", f->name);
				goto out;
			}
			continue;
		}
		if (json_is_null(v) && f->nullable) {
			json_object_set_new(clean, f->name, json_null());
			continue;
		}
		if (!(c = check_value(r, f->kind, v))) {
			*status = req_reply_error(r, 400, "invalid_parameter", f->name,
						  "%s must be %s", f->name, kind_rule(f->kind));
			goto out;
		}
		json_object_set_new(clean, f->name, c);
	}
	text = json_dumps(clean, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(clean);
	json_decref(body);
	return text;
}

/* --- forwarding and answering -------------------------------------------- */

static unsigned render(struct req *r, unsigned ok)
{
	Tarjotin__IdentityReply *m;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	m = tarjotin__identity_reply__unpack(NULL, r->call.reply->payload.len,
					     r->call.reply->payload.data);
	if (!m)
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	guard_end_sessions(r, m->revoke_sessions_of, m->n_revoke_sessions_of);
	if (ok == 204 || !m->json.len)
		status = req_reply_empty(r, ok, NULL);
	else
		status = req_reply_document(r, ok, m->json.data, m->json.len, "no-store", false,
					    NULL, NULL);
	tarjotin__identity_reply__free_unpacked(m, NULL);
	return status;
}

static unsigned render_200(struct req *r)
{
	return render(r, 200);
}

static unsigned render_201(struct req *r)
{
	return render(r, 201);
}

static unsigned render_204(struct req *r)
{
	return render(r, 204);
}

/* Forwards an IdentityCall; json is consumed (free()). */
static unsigned call(struct req *r, Tarjotin__MsgType type, const char *id, const char *id2,
		     char *json, bool idempotent, req_render_fn done)
{
	Tarjotin__IdentityCall m = TARJOTIN__IDENTITY_CALL__INIT;
	unsigned status;

	m.id = (char *)(id ? id : "");
	m.id2 = (char *)(id2 ? id2 : "");
	m.json.data = (uint8_t *)json;
	m.json.len = strlen(json);
	status = req_forward(r, type, &m.base, idempotent, 0, done);
	free(json);
	return status;
}

/* The object's canonical text (free()); the object is consumed. */
static char *dump(json_t *o)
{
	char *t = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	return t ? t : xstrdup("{}");
}

/* --- user sites ---------------------------------------------------------- */

unsigned identity_route_user_sites_list(struct req *r, const char *url)
{
	(void)url;
	return call(r, TARJOTIN__MSG_TYPE__MSG_USER_SITE_LIST, NULL, NULL, xstrdup("{}"), true,
		    render_200);
}

unsigned identity_route_user_sites_create(struct req *r, const char *url)
{
	unsigned status = 0;
	char *json = check_body(r, site_fields, &status);

	(void)url;
	return json ? call(r, TARJOTIN__MSG_TYPE__MSG_USER_SITE_SAVE, NULL, NULL, json, false,
			   render_201) :
		      status;
}

unsigned identity_route_user_sites_update(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE], *json;
	unsigned status = 0;

	if (!docparse_path_uuid(url + strlen("/api/v1/admin/user-sites/"), "", id))
		return req_reply_error(r, 400, "invalid_parameter", "id", "id must be a uuid");
	if (!(json = check_body(r, site_fields, &status)))
		return status;
	return call(r, TARJOTIN__MSG_TYPE__MSG_USER_SITE_SAVE, id, NULL, json, true, render_200);
}

/* --- accounts ------------------------------------------------------------ */

unsigned identity_route_accounts_list(struct req *r, const char *url)
{
	const char *role = req_arg(r, "role"), *q = req_arg(r, "q"), *limit = req_arg(r, "limit");
	json_t *o = json_object();
	int32_t n = 50;

	(void)url;
	if (role && *role && !fields_role_ok(role)) {
		json_decref(o);
		return req_reply_error(r, 400, "invalid_parameter", "role",
				       "role must be professional, editor, admin or funder");
	}
	if (q && !fields_name_ok(q, false)) {
		json_decref(o);
		return req_reply_error(r, 400, "invalid_parameter", "q",
				       "q must be at most 200 characters of text");
	}
	if (limit && req_parse_int(limit, 1, LIST_MAX, &n)) {
		json_decref(o);
		return req_reply_error(r, 400, "invalid_parameter", "limit",
				       "limit must be an integer 1..%d", LIST_MAX);
	}
	if (role && *role)
		json_object_set_new(o, "role", json_string(role));
	if (q && *q)
		json_object_set_new(o, "q", json_string(q));
	json_object_set_new(o, "limit", json_integer(n));
	return call(r, TARJOTIN__MSG_TYPE__MSG_ACCOUNT_LIST, NULL, NULL, dump(o), true, render_200);
}

unsigned identity_route_accounts_invite(struct req *r, const char *url)
{
	unsigned status = 0;
	char *json = check_body(r, invite_fields, &status);

	(void)url;
	return json ? call(r, TARJOTIN__MSG_TYPE__MSG_ACCOUNT_INVITE, NULL, NULL, json, false,
			   render_201) :
		      status;
}

unsigned identity_route_accounts_update(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE], *json;
	unsigned status = 0;

	if (!docparse_path_uuid(url + strlen("/api/v1/admin/accounts/"), "", id))
		return req_reply_error(r, 400, "invalid_parameter", "id", "id must be a uuid");
	if (!(json = check_body(r, account_fields, &status)))
		return status;
	return call(r, TARJOTIN__MSG_TYPE__MSG_ACCOUNT_UPDATE, id, NULL, json, true, render_200);
}

/* --- the audit log ------------------------------------------------------- */

unsigned identity_route_audit(struct req *r, const char *url)
{
	static const char *const times[] = { "from", "to", NULL };
	const char *actor = req_arg(r, "actor"), *action = req_arg(r, "action"),
		   *target = req_arg(r, "target"), *before = req_arg(r, "before"),
		   *limit = req_arg(r, "limit");
	json_t *o = json_object();
	char id[UUID_STR_SIZE];
	const char *bad = NULL, *rule = NULL;
	int32_t n = 100;
	long b = 0;

	(void)url;
	if (actor && *actor && !uuid_parse(actor, strlen(actor), id))
		bad = "actor", rule = "a uuid";
	else if (action && *action && !fields_action_ok(action))
		bad = "action", rule = "[a-z_.]{1,64}";
	else if (target && !fields_name_ok(target, false))
		bad = "target", rule = "at most 200 characters of text";
	else if (before && *before && num_parse_long(before, 1, INT64_MAX / 2, &b))
		bad = "before", rule = "a positive integer";
	else if (limit && req_parse_int(limit, 1, LIST_MAX, &n))
		bad = "limit", rule = "an integer 1..200";
	for (int i = 0; !bad && times[i]; i++) {
		const char *t = req_arg(r, times[i]);

		if (t && *t && !fields_time_ok(t))
			bad = times[i], rule = "an ISO 8601 time";
		else if (t && *t)
			json_object_set_new(o, times[i], json_string(t));
	}
	if (bad) {
		json_decref(o);
		return req_reply_error(r, 400, "invalid_parameter", bad, "%s must be %s", bad,
				       rule);
	}
	if (actor && *actor)
		json_object_set_new(o, "actor", json_string(id));
	if (action && *action)
		json_object_set_new(o, "action", json_string(action));
	if (target && *target)
		json_object_set_new(o, "target", json_string(target));
	if (b) /* as the decimal text the directory takes: entry ids are bigints */
		json_object_set_new(o, "before", json_sprintf("%ld", b));
	json_object_set_new(o, "limit", json_integer(n));
	return call(r, TARJOTIN__MSG_TYPE__MSG_AUDIT_LIST, NULL, NULL, dump(o), true, render_200);
}

/* --- organisation editors ------------------------------------------------ */

#define ORG_PREFIX "/api/v1/organizations/"

unsigned identity_route_editors_list(struct req *r, const char *url)
{
	char org[UUID_STR_SIZE];

	if (!docparse_path_uuid(url + strlen(ORG_PREFIX), "/editors", org))
		return req_not_found(r, url);
	return call(r, TARJOTIN__MSG_TYPE__MSG_EDITOR_LIST, org, NULL, xstrdup("{}"), true,
		    render_200);
}

unsigned identity_route_editors_add(struct req *r, const char *url)
{
	char org[UUID_STR_SIZE], *json;
	unsigned status = 0;

	if (!docparse_path_uuid(url + strlen(ORG_PREFIX), "/editors", org))
		return req_not_found(r, url);
	if (!(json = check_body(r, editor_fields, &status)))
		return status;
	return call(r, TARJOTIN__MSG_TYPE__MSG_EDITOR_ADD, org, NULL, json, false, render_201);
}

unsigned identity_route_editors_remove(struct req *r, const char *url)
{
	const char *p = url + strlen(ORG_PREFIX);
	char org[UUID_STR_SIZE], acct[UUID_STR_SIZE];
	size_t head = UUID_STR_LEN + strlen("/editors/");

	if (strlen(p) != head + UUID_STR_LEN || strncmp(p + UUID_STR_LEN, "/editors/", 9) ||
	    !uuid_parse(p, UUID_STR_LEN, org) || !uuid_parse(p + head, UUID_STR_LEN, acct))
		return req_not_found(r, url);
	/* Removing twice is harmless: the second finds nothing to remove. */
	return call(r, TARJOTIN__MSG_TYPE__MSG_EDITOR_REMOVE, org, acct, xstrdup("{}"), true,
		    render_204);
}
