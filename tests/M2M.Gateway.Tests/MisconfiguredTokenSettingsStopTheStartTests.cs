using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A clock skew beyond an assertion's lifetime, or a key that would sign before it is published
/// (PublishAhead not shorter than RotationInterval), is refused when the gateway starts, not at the
/// first token request.
/// </summary>
public class MisconfiguredTokenSettingsStopTheStartTests
{
    [Theory]
    [InlineData("--Gateway:Tokens:ClockSkew", "00:06:00")]
    [InlineData("--Gateway:Tokens:AccessTokenLifetime", "00:00:00")]
    [InlineData("--Gateway:SigningKeys:PublishAhead", "30.00:00:00")]
    public async Task StartFails(string key, string value)
    {
        var data = Directory.CreateTempSubdirectory("m2m-misconfigured-").FullName;
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () => await (await TokenGateway.StartAsync(null, data, null, key, value)).DisposeAsync());
        Directory.Delete(data, recursive: true);
        Assert.Contains(key.Split(':')[1], exception.ToString(), StringComparison.Ordinal);
    }
}
