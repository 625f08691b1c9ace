using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A clock skew beyond an assertion's lifetime, a token lifetime that is not positive, or a key that
/// would sign before it is published (PublishAhead not shorter than RotationInterval), is refused
/// when the gateway starts, not at the first token request, with a message that names the setting.
/// </summary>
public class MisconfiguredTokenSettingsStopTheStartTests
{
    [Theory]
    [InlineData("Gateway:Tokens", "ClockSkew", "00:06:00")]
    [InlineData("Gateway:Tokens", "AccessTokenLifetime", "00:00:00")]
    [InlineData("Gateway:SigningKeys", "PublishAhead", "30.00:00:00")]
    public async Task StartFailsNamingTheSetting(string section, string setting, string value)
    {
        var data = Directory.CreateTempSubdirectory("m2m-misconfigured-").FullName;
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () => await (await TokenGateway.StartAsync(null, data, null, $"--{section}:{setting}", value)).DisposeAsync());

            // What an operator reads: the section and the setting, in the message itself.
            Assert.StartsWith(section + ":", exception.Message, StringComparison.Ordinal);
            Assert.Contains(setting, exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
