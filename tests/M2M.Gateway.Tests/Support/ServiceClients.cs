using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace M2M.Gateway.Tests.Support;

/// <summary>Service clients of a gateway (docs/tokens.md, "Service clients"): created through its admin API, tokens from its token endpoint.</summary>
public static class ServiceClients
{
    /// <summary>Creates a service client through the admin API with <paramref name="admin"/>; returns its client secret.</summary>
    public static async Task<string> CreateClientAsync(HttpClient admin, string id, string[] roles, string? tenant = null)
    {
        using var created = await admin.PostAsJsonAsync(new Uri("/admin/v1/clients", UriKind.Relative), new { id, roles, tenant }).ConfigureAwait(false);
        var body = await created.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>A token request with client_secret_basic (RFC 6749 section 2.3.1).</summary>
    public static async Task<HttpResponseMessage> RequestWithBasicAsync(HttpClient http, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/oauth2/token", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));
        return await http.SendAsync(request).ConfigureAwait(false);
    }

    /// <summary>The access token of a successful token response; fails the test otherwise.</summary>
    public static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A token by client_secret_basic.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var response = await RequestWithBasicAsync(http, clientId, secret).ConfigureAwait(false);
        return await AccessTokenAsync(response).ConfigureAwait(false);
    }

    /// <summary>The status and problem code of a GET with <paramref name="client"/>.</summary>
    public static async Task<(HttpStatusCode Status, string? Code, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        }

        return (response.StatusCode, code, body);
    }
}
