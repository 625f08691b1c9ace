using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace M2M.Cli.Provisioning;

/// <summary>The gateway's admin API as provisioning needs it: registering a device (POST /admin/v1/devices).</summary>
public sealed class AdminApi(HttpClient http, Uri gateway, string adminKey)
{
    /// <summary>The outcome of a registration: the secret, or why there is none.</summary>
    public sealed record Registration(byte[]? Secret, HttpStatusCode Status, string? Error);

    /// <summary>Registers the device; the gateway answers 201 with its new secret (base64url), shown once.</summary>
    public async Task<Registration> CreateDeviceAsync(string id, string tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "admin/v1/devices"))
        {
            Content = JsonContent.Create(new CreateDeviceRequest(id, tenant, roles)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new Registration(null, response.StatusCode, body.Length > 300 ? body[..300] : body);
        }

        var created = await response.Content.ReadFromJsonAsync<CreatedDevice>(cancellationToken).ConfigureAwait(false);
        var secret = created?.Secret is { } text ? SecretText.Decode(text) : null;
        return new Registration(secret, response.StatusCode, secret == null ? "the gateway's answer has no valid \"secret\"" : null);
    }

    private sealed record CreateDeviceRequest(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("tenant")] string Tenant,
        [property: JsonPropertyName("roles")] IReadOnlyList<string> Roles);

    private sealed record CreatedDevice([property: JsonPropertyName("secret")] string? Secret);
}
