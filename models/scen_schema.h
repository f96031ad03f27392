/* scen_schema.h - internal to the scenario loader: the keys a scenario file may
 * hold, how messages name a setting, and --set overrides.
 *
 * The schema is a tree of key tables that mirrors the file. Three things must
 * agree on it and so all read it: the structural check (unknown keys, missing
 * required keys, wrong types, non-finite numbers), the override resolver (which
 * paths exist, which may be created, what type a value must parse as) and the
 * key lists quoted in "unknown key" messages. Ranges and references between
 * sections are the loader's business (scenario.c): it reads values with the
 * quiet getters below, after the structural check has reported each type error
 * once, so a bad value yields one message rather than one per reader.
 *
 * Messages name a setting by its libconfig-style path ("units.[3].crew") and
 * its line. A setting that a --set override wrote is reported against the
 * command line instead ("<command line>: --set run.replications=0:
 * run.replications: ..."), since its line in the file no longer holds the
 * offending value. The override's text is kept in the setting's libconfig hook,
 * so the text must outlive the config_t.
 *
 * Everything here is internal (prefix sc_); scenario.h is the public contract.
 */
#ifndef PATROLSIM_SCEN_SCHEMA_H
#define PATROLSIM_SCEN_SCHEMA_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* What a key holds. SK_NODE is a node reference: an integer node id or a place
 * name. SK_NUMS and SK_STRS accept an array [...] or a list (...) of scalars,
 * since libconfig arrays cannot mix integers and floats. */
typedef enum sk_type {
    SK_INT,   /* int, or int64 (range checks catch the too-large) */
    SK_INT64, /* int or int64 */
    SK_FLOAT, /* int, int64 or float; finite */
    SK_BOOL,
    SK_STRING,
    SK_NODE,  /* int, int64 or string */
    SK_GROUP, /* { ... } with keys sub */
    SK_LIST,  /* ( { ... }, ... ), each element with keys sub */
    SK_NUMS,  /* [ numbers ] or ( numbers ) */
    SK_STRS   /* [ strings ] or ( strings ) */
} sk_type;

typedef struct sk_key {
    const char *name;
    sk_type type;
    bool required;
    const struct sk_key *sub; /* SK_GROUP, SK_LIST: the element's keys, ended by {NULL} */
    const char *elem_name;    /* SK_LIST: the key that names an element, for --set by name */
} sk_key;

/* The keys of the top-level group. */
extern const sk_key sc_root_keys[];

/* Where messages go. */
typedef struct sc_ctx {
    diag *d;
    const char *file; /* the scenario file, as given */
} sc_ctx;

/* The libconfig-style path of s ("units.[3].crew"; "" for the root). */
void sc_path(const config_setting_t *s, char *buf, size_t n);

/* Records an error about setting s: "file:line: path: message", or against the
 * command line when an override wrote s. */
void sc_err(sc_ctx *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "a, b, c" (at most `max` names, then ", ...") into buf. */
void sc_join(char *buf, size_t n, const char *const *names, size_t count, size_t max);

/* Reports integer literals that libconfig 1.5 silently truncates to 32 bits
 * (3000000000 without the L suffix becomes -1294967296). text is the file's. */
void sc_check_int_literals(sc_ctx *c, const char *text);

/* Applies one "path=value" override to the parsed file. The text must outlive
 * cfg (the written setting points at it). Reports and returns false on error. */
bool sc_apply_override(sc_ctx *c, config_t *cfg, const char *text);

/* The structural check of the whole file against sc_root_keys. */
void sc_check_tree(sc_ctx *c, const config_setting_t *root);

/* Quiet getters for the loader. Each returns 1 with the value when the key is
 * present with a usable type, 0 when it is absent (or g is not a group), and
 * -1 when it is present but unusable: sc_check_tree has reported that already.
 * sc_get_int rejects floats, sc_get_float accepts integers and rejects
 * non-finite values. The element forms read one element of an array or list. */
const config_setting_t *sc_member(const config_setting_t *g, const char *key);
int sc_get_int(const config_setting_t *g, const char *key, long long *out);
int sc_get_float(const config_setting_t *g, const char *key, double *out);
int sc_get_bool(const config_setting_t *g, const char *key, bool *out);
int sc_get_string(const config_setting_t *g, const char *key, const char **out);
int sc_elem_float(const config_setting_t *e, double *out);
int sc_elem_string(const config_setting_t *e, const char **out);

/* A list or array setting's elements; 0 when s is NULL or not an aggregate. */
size_t sc_length(const config_setting_t *s);

#endif
