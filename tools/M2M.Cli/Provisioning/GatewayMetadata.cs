using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using M2M.Cli.Common;

namespace M2M.Cli.Provisioning;

/// <summary>
/// Reads the gateway's authorization server metadata (RFC 8414, /.well-known/oauth-authorization-server)
/// for the MQTT port a device must use: the additional members m2m_mqtt_tls_port and m2m_mqtt_port
/// of docs/protocol.md section 4.
/// </summary>
public static class GatewayMetadata
{
    /// <summary>The metadata's path (RFC 8414 section 3).</summary>
    public const string Path = "/.well-known/oauth-authorization-server";

    /// <summary>The MQTT port the gateway publishes for TLS (<paramref name="tls"/>) or plain TCP.</summary>
    public static async Task<int> MqttPortAsync(Uri gateway, X509Certificate2Collection? trustedCa, bool tls, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(output);
        var member = tls ? "m2m_mqtt_tls_port" : "m2m_mqtt_port";
        using var http = new HttpClient(GatewayHttp.CreateHandler(trustedCa)) { Timeout = TimeSpan.FromSeconds(30) };
        var address = new Uri(gateway, Path.TrimStart('/'));
        using var response = await http.GetAsync(address, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException(ExitCodes.GatewayError, $"{address} answered {(int)response.StatusCode}: pass --mqtt-port");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        int port;
        try
        {
            using var document = JsonDocument.Parse(text);
            port = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(member, out var value)
                && value.TryGetInt32(out var number)
                && number is > 0 and <= 65535
                ? number
                : 0;
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.GatewayError, $"{address} is not a JSON metadata document: pass --mqtt-port");
        }

        if (port == 0)
        {
            throw new CliException(ExitCodes.GatewayError,
                $"the gateway's metadata has no {member} ({(tls ? "its MQTT TLS listener is off" : "its plain MQTT listener is off")}, or it is an older gateway): pass --mqtt-port");
        }

        await output.WriteLineAsync($"  MQTT port {port} ({(tls ? "TLS" : "plain")}) from the gateway's metadata").ConfigureAwait(false);
        return port;
    }
}
