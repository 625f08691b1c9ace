namespace M2M.Gateway.Admin;

/// <summary>
/// The admin API's errors: RFC 9457 problem details (<c>application/problem+json</c>) with a stable
/// <c>code</c> extension member that clients branch on (the title and detail are for people).
/// </summary>
public static class AdminProblems
{
    /// <summary>The stable codes.</summary>
    public const string Unauthorized = "unauthorized";
    public const string InvalidBody = "invalid_body";
    public const string InvalidDeviceId = "invalid_device_id";
    public const string InvalidTenant = "invalid_tenant";
    public const string InvalidRoles = "invalid_roles";
    public const string DeviceExists = "device_exists";
    public const string DeviceNotFound = "device_not_found";
    public const string SinkNotFound = "sink_not_found";
    public const string DeadLetterNotFound = "dead_letter_not_found";
    public const string InvalidName = "invalid_name";
    public const string InvalidExpiry = "invalid_expiry";
    public const string KeyNotFound = "key_not_found";
    public const string KeyRevoked = "key_revoked";
    public const string LastAdminKey = "last_admin_key";
    public const string InvalidClientId = "invalid_client_id";
    public const string ClientNotFound = "client_not_found";
    public const string ClientRevoked = "client_revoked";
    public const string ClientExists = "client_exists";
    public const string InvalidPage = "invalid_page";
    public const string InvalidCommand = "invalid_command";
    public const string InvalidArguments = "invalid_arguments";
    public const string CommandNotFound = "command_not_found";
    public const string RotationNotFound = "rotation_not_found";
    public const string RotationInProgress = "rotation_in_progress";
    public const string InvalidCredentialName = "invalid_credential_name";
    public const string CredentialNotFound = "credential_not_found";

    /// <summary>A problem result with <paramref name="code"/>.</summary>
    public static IResult Problem(int status, string code, string title, string? detail = null) =>
        Results.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>404 for a device id.</summary>
    public static IResult NotFound(string deviceId) =>
        Problem(StatusCodes.Status404NotFound, DeviceNotFound, "Device not found", $"No device '{deviceId}' is registered.");
}
