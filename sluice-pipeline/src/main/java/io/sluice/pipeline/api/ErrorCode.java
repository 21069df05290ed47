package io.sluice.pipeline.api;

/**
 * Every error the process reports, with its HTTP status and who is at fault. The string code is the
 * {@code error_code} of the uniform error body, and matches Feldera's pipeline process where it has one.
 */
public enum ErrorCode {
    INITIALIZING("Initializing", 503, Kind.UNAVAILABLE),
    TERMINATING("Terminating", 410, Kind.UNAVAILABLE),
    PIPELINE_RESTARTED("PipelineRestarted", 410, Kind.USER),
    SUSPENDED("Suspended", 503, Kind.UNAVAILABLE),
    SUSPENDING("Suspending", 503, Kind.UNAVAILABLE),
    INITIALIZATION_ERROR("InitializationError", 500, Kind.INTERNAL),
    INVALID_TRANSITION("InvalidTransition", 400, Kind.USER),
    INCARNATION_UUID_MISMATCH("IncarnationUuidMismatch", 400, Kind.USER),
    INVALID_PARAM("InvalidParam", 400, Kind.USER),
    PARSE_ERRORS("ParseErrors", 400, Kind.USER),
    AD_HOC_QUERY_ERROR("AdHocQueryError", 400, Kind.USER),
    UNKNOWN_INPUT_STREAM("ConfigError.UnknownInputStream", 404, Kind.USER),
    UNKNOWN_OUTPUT_STREAM("ConfigError.UnknownOutputStream", 404, Kind.USER),
    UNKNOWN_INPUT_ENDPOINT("UnknownInputEndpoint", 404, Kind.USER),
    UNKNOWN_OUTPUT_ENDPOINT("UnknownOutputEndpoint", 404, Kind.USER),
    TRANSACTION_IN_PROGRESS("TransactionInProgress", 409, Kind.USER),
    NO_TRANSACTION_IN_PROGRESS("NoTransactionInProgress", 400, Kind.USER),
    NOT_FOUND("NotFound", 404, Kind.USER),
    UNAUTHORIZED("Unauthorized", 401, Kind.USER),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, Kind.USER),
    CONFIG_ERROR("ConfigError", 400, Kind.USER),
    PROGRAM_ERROR("ProgramError", 400, Kind.USER),
    STORAGE_ERROR("StorageError", 500, Kind.INTERNAL),
    STORAGE_LOCKED("StorageLocked", 500, Kind.INTERNAL),
    SUSPEND_ERROR("SuspendError", 500, Kind.INTERNAL),
    CHECKPOINT_ERROR("CheckpointError", 500, Kind.INTERNAL),
    CHECKPOINT_FETCH_ERROR("CheckpointFetchError", 500, Kind.INTERNAL),
    SYNC_NOT_CONFIGURED("CheckpointSyncNotConfigured", 400, Kind.USER),
    NO_CHECKPOINT_TO_SYNC("NoCheckpointToSync", 400, Kind.USER),
    DBSP_ERROR("DbspError", 500, Kind.INTERNAL),
    PIPELINE_TERMINATED("PipelineTerminated", 500, Kind.INTERNAL),
    INTERNAL("InternalError", 500, Kind.INTERNAL);

    /** Who is at fault, which decides how the error is logged. */
    public enum Kind {
        USER, UNAVAILABLE, INTERNAL
    }

    private final String code;
    private final int httpStatus;
    private final Kind kind;

    ErrorCode(String code, int httpStatus, Kind kind) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Kind kind() {
        return kind;
    }
}
