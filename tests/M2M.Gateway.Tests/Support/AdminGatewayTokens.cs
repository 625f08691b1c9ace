using System.Net.Http.Json;
using System.Text.Json;

namespace M2M.Gateway.Tests.Support;

/// <summary>Devices of a gateway process with access tokens from its token endpoint.</summary>
public static class AdminGatewayTokens
{
    /// <summary>Registers a device with <paramref name="roles"/> through the admin API and gets it an access token from the token endpoint.</summary>
    public static async Task<(byte[] Secret, string Token)> AddDeviceWithTokenAsync(this AdminGateway gateway, string deviceId, string tenant, params string[] roles)
    {
        using (var added = await gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = deviceId, tenant, roles }).ConfigureAwait(false))
        {
            var body = await added.Content.ReadAsStringAsync().ConfigureAwait(false);
            Assert.True(added.StatusCode == System.Net.HttpStatusCode.Created, body);
            var secret = System.Buffers.Text.Base64Url.DecodeFromChars(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
            return (secret, await gateway.TokenAsync(deviceId, secret).ConfigureAwait(false));
        }
    }

    /// <summary>An access token for a registered device, from the token endpoint with a fresh assertion.</summary>
    public static async Task<string> TokenAsync(this AdminGateway gateway, string deviceId, byte[] secret)
    {
        using var http = new HttpClient { BaseAddress = gateway.Process.BaseAddress };
        var endpoint = (await TokenGateway.MetadataAsync(http).ConfigureAwait(false)).GetProperty("token_endpoint").GetString()!;
        using var issued = await TokenGateway.RequestTokenAsync(http, TokenGateway.Form(TestAssertion.Sign(
            M2M.Gateway.Registry.DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims(deviceId, endpoint, DateTimeOffset.UtcNow)))).ConfigureAwait(false);
        var body = await issued.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(issued.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
