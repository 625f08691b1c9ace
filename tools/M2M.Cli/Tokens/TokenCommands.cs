using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using M2M.Cli.Common;
using static M2M.Cli.Common.Output;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Protocol;
using M2M.Device.Core.Tokens;
using Spectre.Console;

namespace M2M.Cli.Tokens;

/// <summary>
/// <c>m2m token get</c>: acts as a device, for debugging. The client assertion is built by the
/// device core's own code (Crypto/DeviceKeys, Tokens/ClientAssertion, the host HMAC), so what this
/// command sends is exactly what a board sends (docs/protocol.md sections 3.1 and 3.2).
/// </summary>
public static class TokenCommands
{
    /// <summary>Lifetime given to the assertion (at most 300 s, docs/protocol.md section 3.2).</summary>
    private const int AssertionLifetimeSeconds = 120;

    public static Command Build()
    {
        var token = new Command("token", "Tokens: get one as a device does; revoke and introspect the gateway's tokens with the admin key.");
        token.Subcommands.Add(Get());
        token.Subcommands.Add(TokenAdminCommands.Revoke());
        token.Subcommands.Add(TokenAdminCommands.Introspect());
        return token;
    }

    private static Command Get()
    {
        var deviceId = new Option<string>("--device-id") { Description = "The device id.", Required = true };
        var secret = new Option<string>("--secret")
        {
            Description = "The device secret S, base64url (as add/rotate printed it; env M2M_DEVICE_SECRET).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("M2M_DEVICE_SECRET") ?? string.Empty,
        };
        var endpoint = new Option<string>("--token-endpoint")
        {
            Description = "The token endpoint URL; also the assertion's aud (default: <gateway>/oauth2/token).",
        };
        var command = new Command("get", "Get an access token as the device would: client_credentials with a JWT client assertion under K_auth.")
        {
            deviceId, secret, endpoint,
        };
        command.SetAction(GlobalOptions.Run(async context =>
        {
            var id = context.ParseResult.GetValue(deviceId)!;
            var s = Base64Url.Decode(context.ParseResult.GetValue(secret));
            if (s == null || s.Length != ProtocolV1.KeyLength)
            {
                throw new CliException(ExitCodes.Usage, "--secret must be the device secret: base64url of 32 bytes (43 characters)");
            }

            var url = context.ParseResult.GetValue(endpoint) is { Length: > 0 } text
                ? CommandContext.HttpUrl(text, "--token-endpoint")
                : new Uri(context.GatewayUrl, "/oauth2/token");
            var assertion = CreateAssertion(id, s, url.ToString(), DateTimeOffset.UtcNow);
            CryptographicOperations.ZeroMemory(s);
            await RequestAsync(context, url, id, assertion).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>The assertion of docs/protocol.md section 3.2, made by the device core.</summary>
    private static string CreateAssertion(string deviceId, byte[] secret, string audience, DateTimeOffset now)
    {
        var hmac = new HostHmacSha256();
        var keys = DeviceKeys.Derive(secret, hmac);
        try
        {
            var issuedAt = now.ToUnixTimeSeconds();
            return ClientAssertion.Create(deviceId, audience, Base64Url.Encode(RandomNumberGenerator.GetBytes(16)), issuedAt, issuedAt + AssertionLifetimeSeconds, keys.AuthKey, hmac);
        }
        finally
        {
            keys.Clear();
        }
    }

    // RFC 6749 section 4.4.2 with RFC 7523 section 2.2 client authentication.
    private static async Task RequestAsync(CommandContext context, Uri url, string deviceId, string assertion)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", ProtocolV1.ClientCredentialsGrant),
            new("client_assertion_type", ProtocolV1.JwtBearerAssertionType),
            new("client_assertion", assertion),
            new("client_id", deviceId),
        ]);
        using var response = await http.PostAsync(url, form, context.CancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(context.CancellationToken).ConfigureAwait(false);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.GatewayError, $"the token endpoint answered {(int)response.StatusCode} with a body that is not JSON");
        }

        if (!response.IsSuccessStatusCode)
        {
            // RFC 6749 section 5.2 error response.
            var error = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) ? e.GetString() : null;
            var description = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error_description", out var d) ? ": " + d.GetString() : string.Empty;
            throw new CliException(
                error == null ? ExitCodes.GatewayError : ExitCodes.TokenRefused,
                $"token request refused ({(int)response.StatusCode}): {error ?? "no OAuth error"}{description}");
        }

        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("access_token", out var accessToken) || accessToken.ValueKind != JsonValueKind.String)
        {
            throw new CliException(ExitCodes.GatewayError, "the token response has no access_token");
        }

        if (context.Json)
        {
            await Output.WriteJsonAsync(context, body).ConfigureAwait(false);
            return;
        }

        var table = new Table().AddColumns("FIELD", "VALUE").HideHeaders();
        foreach (var property in body.EnumerateObject().Where(p => p.Name != "access_token"))
        {
            table.AddRow(Cells(property.Name, property.Value.ToString()));
        }

        foreach (var claim in Claims(accessToken.GetString()!))
        {
            table.AddRow(Cells("claim " + claim.Name, claim.Value.ToString()));
        }

        var console = context.Console;
        console.Write(table);
        console.WriteLine("access_token (a bearer credential until it expires; do not paste it anywhere public):");
        console.WriteLine(accessToken.GetString()!);
    }

    // The access token's claims, for reading only: the device treats the token as opaque (section 4).
    private static List<JsonProperty> Claims(string token)
    {
        var parts = token.Split('.');
        var payload = parts.Length == 3 ? Base64Url.Decode(parts[1]) : null;
        if (payload == null)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(payload));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone().EnumerateObject().ToList() : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
