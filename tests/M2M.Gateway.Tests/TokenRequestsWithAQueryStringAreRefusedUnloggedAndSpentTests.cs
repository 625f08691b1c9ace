using System.Net;
using System.Text.Json;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.AspNetCore.Http;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 6, with the gateway as an operator runs it and every log level at Trace (hosting
/// diagnostics then log each request's URL): a token request whose parameters are in the query
/// string (RFC 6749 section 2.3.1 forbids it) is answered 400 invalid_request, audited and counted;
/// neither its query nor its assertion reaches the output; and that assertion, validly signed, is
/// spent: sent properly afterwards it is refused as reused.
/// </summary>
public class TokenRequestsWithAQueryStringAreRefusedUnloggedAndSpentTests
{
    [Fact]
    public async Task TheQueryIsNeverLoggedTheRequestIsRefusedAndItsAssertionIsSpent()
    {
        await using var gateway = await AdminGateway.StartAsync(null, "--Logging:LogLevel:Default", "Trace", "--Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        var secret = await gateway.AddDeviceAsync("sensor-0001");
        using var device = new HttpClient { BaseAddress = gateway.Process.BaseAddress };
        var endpoint = (await TokenGateway.MetadataAsync(device)).GetProperty("token_endpoint").GetString()!;
        var assertion = TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims("sensor-0001", endpoint, DateTimeOffset.UtcNow));

        // What a misconfigured client sends: every parameter in the URI, no body.
        var query = QueryString.Create(TokenGateway.Form(assertion).Select(p => new KeyValuePair<string, string?>(p.Item1, p.Item2)));
        using var inQuery = await device.PostAsync(new Uri("/oauth2/token" + query, UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, inQuery.StatusCode);
        Assert.Equal("invalid_request", JsonDocument.Parse(await inQuery.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        using var sentProperly = await TokenGateway.RequestTokenAsync(device, TokenGateway.Form(assertion));
        Assert.Equal(HttpStatusCode.Unauthorized, sentProperly.StatusCode);
        var refusals = gateway.AuditLines().Where(l => l.GetProperty("action").GetString() == "token.refused").ToList();
        Assert.Equal(["query_string", "jti_reused"], refusals.Select(l => l.GetProperty("outcome").GetString()));
        Assert.Equal("sensor-0001", refusals[0].GetProperty("deviceId").GetString());
        Assert.Contains("m2m_token_requests_total{result=\"query_string\"} 1", await device.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);

        // The sentinel: another path's query string is logged at these levels, after both requests.
        var sentinel = "sentinel=" + Guid.NewGuid().ToString("N");
        using (await device.GetAsync(new Uri("/health?" + sentinel, UriKind.Relative)))
        {
        }

        var output = await Eventually.ValueAsync(() => gateway.Process.Output, o => o.Contains(sentinel, StringComparison.Ordinal), "the sentinel request in the log");
        Assert.Contains("/oauth2/token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("client_assertion", output, StringComparison.Ordinal);
        Assert.DoesNotContain("grant_type", output, StringComparison.Ordinal);
        foreach (var part in assertion.Split('.').Skip(1))
        {
            Assert.DoesNotContain(part, output, StringComparison.Ordinal);
        }
    }
}
