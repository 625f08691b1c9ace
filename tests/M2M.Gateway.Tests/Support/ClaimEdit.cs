namespace M2M.Gateway.Tests.Support;

/// <summary>Edits of a JWT claim set, one at a time, for the bad-input tables (use with <c>using static</c>).</summary>
public static class ClaimEdit
{
    /// <summary>The claims with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public static Dictionary<string, object> With(Dictionary<string, object> claims, string name, object value)
    {
        claims[name] = value;
        return claims;
    }

    /// <summary>The claims without <paramref name="name"/>.</summary>
    public static Dictionary<string, object> Without(Dictionary<string, object> claims, string name)
    {
        claims.Remove(name);
        return claims;
    }
}
