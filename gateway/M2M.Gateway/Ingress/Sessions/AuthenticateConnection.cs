using System.Text.RegularExpressions;
using M2M.Gateway.Ingress.Packets;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Metrics;

namespace M2M.Gateway.Ingress.Sessions;

/// <summary>The outcome of a CONNECT check: the CONNACK code, its metric label, and the session when accepted.</summary>
public sealed record ConnectResult(ReasonCode Code, string Reason, DeviceSession? Session);

/// <summary>
/// Checks an MQTT CONNECT as docs/protocol.md section 5.1 requires and answers with the CONNACK
/// reason codes of section 9.2.
/// </summary>
public sealed partial class AuthenticateConnection(
    IAccessTokenValidator tokens,
    IDeviceDirectory directory,
    GatewayMetrics metrics,
    ILogger<AuthenticateConnection> logger)
{
    /// <summary>The CONNECT Protocol Version of MQTT 5 (MQTT 5 section 3.1.2.2).</summary>
    public const int MqttProtocolLevel = 5;

    /// <summary>Runs the checks in order; the first failing one decides the reason code.</summary>
    public async Task<ConnectResult> RunAsync(int protocolLevel, string? clientId, string? userName, string? password, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(protocolLevel, clientId, userName, password, cancellationToken).ConfigureAwait(false);
        metrics.Connect(result.Reason);
        if (result.Session == null)
        {
            // The client id is only logged when it is a well-formed device id (no log injection).
            LogRefused(clientId != null && DeviceIdPattern().IsMatch(clientId) ? clientId : "(invalid)", result.Reason, (int)result.Code);
        }

        return result;
    }

    private async Task<ConnectResult> CheckAsync(int protocolLevel, string? clientId, string? userName, string? password, CancellationToken cancellationToken)
    {
        if (protocolLevel != MqttProtocolLevel)
        {
            return Refuse(ReasonCode.UnsupportedProtocolVersion, "unsupported_protocol_version");
        }

        if (clientId == null || !DeviceIdPattern().IsMatch(clientId) || !string.Equals(clientId, userName, StringComparison.Ordinal))
        {
            return Refuse(ReasonCode.ClientIdentifierNotValid, "client_id_invalid");
        }

        if (string.IsNullOrEmpty(password))
        {
            return Refuse(ReasonCode.BadUserNameOrPassword, "no_password");
        }

        var token = await tokens.ValidateAccessTokenAsync(password, cancellationToken).ConfigureAwait(false);
        metrics.TokenValidation("access_token", token.Reason);
        switch (token.Status)
        {
            case CredentialStatus.Unavailable:
                return Refuse(ReasonCode.ServerUnavailable, "token_check_unavailable");
            case CredentialStatus.Invalid:
                return Refuse(ReasonCode.BadUserNameOrPassword, "token_" + token.Reason);
        }

        if (!string.Equals(token.DeviceId, clientId, StringComparison.Ordinal))
        {
            return Refuse(ReasonCode.ClientIdentifierNotValid, "token_sub_mismatch");
        }

        var lookup = await directory.FindAsync(clientId, cancellationToken).ConfigureAwait(false);
        switch (lookup.Status)
        {
            case DeviceLookupStatus.Unavailable:
                return Refuse(ReasonCode.ServerUnavailable, "directory_unavailable");
            case DeviceLookupStatus.NotFound:
                return Refuse(ReasonCode.NotAuthorized, "device_unknown");
        }

        var device = lookup.Device!;
        if (!device.Enabled)
        {
            return Refuse(ReasonCode.NotAuthorized, "device_disabled");
        }

        // Decision 3 (docs/protocol.md section 5.1): the token must be bound to the current
        // registration. An outdated one is refused like any bad token (the device gets a new one);
        // a tenant conflict is the operator's to fix, so a new token would not help.
        switch (BindCredential.Check(token, device))
        {
            case BindCredential.CredentialOutdated:
                return Refuse(ReasonCode.BadUserNameOrPassword, "token_" + BindCredential.CredentialOutdated);
            case BindCredential.TenantMismatch:
                return Refuse(ReasonCode.NotAuthorized, BindCredential.TenantMismatch);
        }

        var session = new DeviceSession(device, token.Roles, token.ExpiresAt);
        session.HeldToken(token);
        session.AddToken(token);
        return new ConnectResult(ReasonCode.Success, "ok", session);
    }

    private static ConnectResult Refuse(ReasonCode code, string reason) => new(code, reason, null);

    /// <summary>docs/protocol.md section 2.1.</summary>
    [GeneratedRegex("^[a-z0-9-]{3,64}$", RegexOptions.CultureInvariant)]
    internal static partial Regex DeviceIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "CONNECT refused for {ClientId}: {Reason} (CONNACK 0x{Code:X2})")]
    private partial void LogRefused(string clientId, string reason, int code);
}
