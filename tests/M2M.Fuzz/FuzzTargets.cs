using M2M.Fuzz.Device;
using M2M.Fuzz.Gateway;

namespace M2M.Fuzz;

/// <summary>Every fuzz target, listed once, in the order tests/fuzz/run runs them.</summary>
public static class FuzzTargets
{
    private static readonly Dictionary<string, Func<FuzzTarget>> Factories = new(StringComparer.Ordinal)
    {
        ["mqtt-stream"] = () => new MqttStreamTarget(),
        ["signed-properties"] = () => new SignedPropertiesTarget(),
        ["token-request"] = () => new TokenRequestTarget(),
        ["access-token"] = () => new AccessTokenTarget(),
        ["relayed-record"] = () => new RelayedRecordTarget(),
        ["admin-json"] = () => new AdminJsonTarget(),
        ["command-result"] = () => new CommandResultTarget(),
        ["credential-slots"] = () => new CredentialSlotsTarget(),
        ["boot-epoch"] = () => new BootEpochTarget(),
        ["device-config"] = () => new DeviceConfigTarget(),
        ["token-response"] = () => new TokenResponseTarget(),
        ["http-date"] = () => new HttpDateTarget(),
        ["base64url"] = () => new Base64UrlTarget(),
        ["command"] = () => new CommandTarget(),
    };

    /// <summary>The target names.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>A new instance of the target called <paramref name="name"/>, or null.</summary>
    public static FuzzTarget? Create(string name) => Factories.TryGetValue(name, out var factory) ? factory() : null;
}
