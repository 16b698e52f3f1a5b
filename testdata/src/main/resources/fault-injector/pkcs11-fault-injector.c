/*
 * pkcs11-fault-injector: a PKCS#11 module that passes every call to a real module (SoftHSM2 in
 * hsmkit's tests) and, following a plan file, makes chosen calls fail with chosen return values.
 * It also writes one line per call ("C_Sign 0x0") to a log, so that tests can count calls: logins,
 * key derivations, sessions opened and closed.
 *
 * Built by the tests (FaultInjectingModule) with the real module's path and the plan file's path
 * compiled in:  gcc -shared -fPIC -DREAL_MODULE='"..."' -DPLAN_FILE='"..."' -o X.so this.c -ldl -lpthread
 *
 * The plan is read again whenever the file changes; call counts start from zero then. Lines:
 *   fail NAME N RV         the N-th call of NAME fails with RV before reaching the real module
 *   fail NAME * RV         every call of NAME fails with RV
 *   fail-after NAME N RV   the N-th call reaches the real module (which ends the operation), then
 *                          RV is returned instead of its result
 *   flags +BITS            OR BITS into the token flags C_GetTokenInfo reports (e.g. 0x20000,
 *                          CKF_USER_PIN_FINAL_TRY)
 *   log PATH               append one line per call to PATH
 * Numbers may be decimal or 0x hex.
 *
 * Every PKCS#11 function takes at most 8 arguments of pointer or CK_ULONG size, so one generic
 * wrapper per slot of the function list forwards them all (the callee reads the ones it has;
 * valid for the x86-64 and AArch64 calling conventions).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef uintptr_t A;
typedef struct { unsigned char major, minor; } CK_VERSION;
#define SLOTS 68
typedef struct { CK_VERSION version; void *fn[SLOTS]; } FUNCTION_LIST;
typedef CK_RV (*GENERIC)(A, A, A, A, A, A, A, A);
typedef CK_RV (*GET_FUNCTION_LIST)(FUNCTION_LIST **);

#define CKR_OK 0
#define CKR_GENERAL_ERROR 5
#define SLOT_GET_FUNCTION_LIST 3
#define SLOT_GET_TOKEN_INFO 6
#define TOKEN_INFO_FLAGS_OFFSET 96

static const char *NAMES[SLOTS] = {
    "C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList", "C_GetSlotList", "C_GetSlotInfo",
    "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo", "C_InitToken", "C_InitPIN", "C_SetPIN",
    "C_OpenSession", "C_CloseSession", "C_CloseAllSessions", "C_GetSessionInfo", "C_GetOperationState",
    "C_SetOperationState", "C_Login", "C_Logout", "C_CreateObject", "C_CopyObject", "C_DestroyObject",
    "C_GetObjectSize", "C_GetAttributeValue", "C_SetAttributeValue", "C_FindObjectsInit", "C_FindObjects",
    "C_FindObjectsFinal", "C_EncryptInit", "C_Encrypt", "C_EncryptUpdate", "C_EncryptFinal", "C_DecryptInit",
    "C_Decrypt", "C_DecryptUpdate", "C_DecryptFinal", "C_DigestInit", "C_Digest", "C_DigestUpdate", "C_DigestKey",
    "C_DigestFinal", "C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal", "C_SignRecoverInit", "C_SignRecover",
    "C_VerifyInit", "C_Verify", "C_VerifyUpdate", "C_VerifyFinal", "C_VerifyRecoverInit", "C_VerifyRecover",
    "C_DigestEncryptUpdate", "C_DecryptDigestUpdate", "C_SignEncryptUpdate", "C_DecryptVerifyUpdate",
    "C_GenerateKey", "C_GenerateKeyPair", "C_WrapKey", "C_UnwrapKey", "C_DeriveKey", "C_SeedRandom",
    "C_GenerateRandom", "C_GetFunctionStatus", "C_CancelFunction", "C_WaitForSlotEvent"};

#define MAX_RULES 32
typedef struct { int slot; long nth; int after; CK_RV rv; } RULE; /* nth < 0: every call */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FUNCTION_LIST *real;
static FUNCTION_LIST mine;
static RULE rules[MAX_RULES];
static int nrules;
static CK_ULONG extra_flags;
static char log_path[1024];
static long calls[SLOTS];
static struct timespec plan_mtime;
static off_t plan_size = -1;

static int slot_of(const char *name) {
    for (int i = 0; i < SLOTS; i++) {
        if (strcmp(NAMES[i], name) == 0) return i;
    }
    return -1;
}

/* Reads the plan again when the file changed (called with the lock held). */
static void load_plan(void) {
    struct stat st;
    if (stat(PLAN_FILE, &st) != 0) {
        if (plan_size != -1) {
            nrules = 0; extra_flags = 0; log_path[0] = 0; plan_size = -1;
            memset(calls, 0, sizeof calls);
        }
        return;
    }
    if (st.st_size == plan_size && st.st_mtim.tv_sec == plan_mtime.tv_sec && st.st_mtim.tv_nsec == plan_mtime.tv_nsec) return;
    plan_size = st.st_size;
    plan_mtime = st.st_mtim;
    nrules = 0; extra_flags = 0; log_path[0] = 0;
    memset(calls, 0, sizeof calls);
    FILE *f = fopen(PLAN_FILE, "r");
    if (!f) return;
    char line[1200], a[64], b[1024], c[64], d[64];
    while (fgets(line, sizeof line, f)) {
        int n = sscanf(line, "%63s %1023s %63s %63s", a, b, c, d);
        if (n == 4 && (strcmp(a, "fail") == 0 || strcmp(a, "fail-after") == 0) && nrules < MAX_RULES) {
            int s = slot_of(b);
            if (s < 0) continue;
            rules[nrules].slot = s;
            rules[nrules].nth = strcmp(c, "*") == 0 ? -1 : strtol(c, NULL, 0);
            rules[nrules].after = strcmp(a, "fail-after") == 0;
            rules[nrules].rv = strtoul(d, NULL, 0);
            nrules++;
        } else if (n >= 2 && strcmp(a, "flags") == 0) {
            extra_flags |= strtoul(b[0] == '+' ? b + 1 : b, NULL, 0);
        } else if (n >= 2 && strcmp(a, "log") == 0) {
            snprintf(log_path, sizeof log_path, "%s", b);
        }
    }
    fclose(f);
}

static CK_RV call(int slot, A a, A b, A c, A d, A e, A f, A g, A h) {
    pthread_mutex_lock(&lock);
    load_plan();
    long n = ++calls[slot];
    int fault = 0, after = 0;
    CK_RV rv = CKR_OK;
    for (int i = 0; i < nrules; i++) {
        if (rules[i].slot == slot && (rules[i].nth < 0 || rules[i].nth == n)) {
            fault = 1; after = rules[i].after; rv = rules[i].rv;
            break;
        }
    }
    CK_ULONG flags = extra_flags;
    char path[1024];
    snprintf(path, sizeof path, "%s", log_path);
    pthread_mutex_unlock(&lock);

    CK_RV result;
    if (fault && !after) {
        result = rv;
    } else {
        result = ((GENERIC) real->fn[slot])(a, b, c, d, e, f, g, h);
        if (fault) result = rv;
    }
    if (slot == SLOT_GET_TOKEN_INFO && result == CKR_OK && b && flags) {
        *(CK_ULONG *) ((char *) b + TOKEN_INFO_FLAGS_OFFSET) |= flags;
    }
    if (path[0]) {
        pthread_mutex_lock(&lock);
        FILE *log = fopen(path, "a");
        if (log) {
            fprintf(log, "%s 0x%lx%s\n", NAMES[slot], result, fault ? " injected" : "");
            fclose(log);
        }
        pthread_mutex_unlock(&lock);
    }
    return result;
}

#define W(i) static CK_RV w##i(A a, A b, A c, A d, A e, A f, A g, A h) { return call(i, a, b, c, d, e, f, g, h); }
W(0) W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9) W(10) W(11) W(12) W(13) W(14) W(15) W(16) W(17) W(18) W(19)
W(20) W(21) W(22) W(23) W(24) W(25) W(26) W(27) W(28) W(29) W(30) W(31) W(32) W(33) W(34) W(35) W(36) W(37)
W(38) W(39) W(40) W(41) W(42) W(43) W(44) W(45) W(46) W(47) W(48) W(49) W(50) W(51) W(52) W(53) W(54) W(55)
W(56) W(57) W(58) W(59) W(60) W(61) W(62) W(63) W(64) W(65) W(66) W(67)
static void *WRAPPERS[SLOTS] = {
    w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15, w16, w17, w18, w19, w20, w21, w22, w23,
    w24, w25, w26, w27, w28, w29, w30, w31, w32, w33, w34, w35, w36, w37, w38, w39, w40, w41, w42, w43, w44, w45,
    w46, w47, w48, w49, w50, w51, w52, w53, w54, w55, w56, w57, w58, w59, w60, w61, w62, w63, w64, w65, w66, w67};

static CK_RV get_function_list(FUNCTION_LIST **out);

CK_RV C_GetFunctionList(FUNCTION_LIST **out) {
    return get_function_list(out);
}

static CK_RV get_function_list(FUNCTION_LIST **out) {
    pthread_mutex_lock(&lock);
    if (!real) {
        void *lib = dlopen(REAL_MODULE, RTLD_NOW | RTLD_LOCAL);
        GET_FUNCTION_LIST g = lib ? (GET_FUNCTION_LIST) dlsym(lib, "C_GetFunctionList") : NULL;
        if (!g || g(&real) != CKR_OK || !real) {
            fprintf(stderr, "pkcs11-fault-injector: cannot load %s: %s\n", REAL_MODULE, lib ? "no function list" : dlerror());
            real = NULL;
            pthread_mutex_unlock(&lock);
            return CKR_GENERAL_ERROR;
        }
        mine.version = real->version;
        for (int i = 0; i < SLOTS; i++) mine.fn[i] = real->fn[i] ? WRAPPERS[i] : NULL;
        mine.fn[SLOT_GET_FUNCTION_LIST] = (void *) C_GetFunctionList;
    }
    pthread_mutex_unlock(&lock);
    if (!out) return 7; /* CKR_ARGUMENTS_BAD */
    *out = &mine;
    return CKR_OK;
}
