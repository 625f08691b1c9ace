namespace M2M.Gateway.Ingress.Authorization;

/// <summary>MQTT topic filter matching (MQTT 5 section 4.7): '/' separates levels, '+' one level, '#' the rest.</summary>
public static class TopicFilter
{
    /// <summary>True when some topic matches both <paramref name="a"/> and <paramref name="b"/> (a topic name is a filter without wildcards).</summary>
    public static bool Overlaps(string a, string b)
    {
        var x = a.Split('/');
        var y = b.Split('/');
        for (var i = 0; ; i++)
        {
            var xDone = i >= x.Length;
            var yDone = i >= y.Length;
            if (!xDone && x[i] == "#")
            {
                return true;
            }

            if (!yDone && y[i] == "#")
            {
                return true;
            }

            if (xDone || yDone)
            {
                return xDone && yDone;
            }

            if (x[i] != "+" && y[i] != "+" && !string.Equals(x[i], y[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    /// <summary>True when every topic <paramref name="inner"/> matches is also matched by <paramref name="outer"/>.</summary>
    public static bool Covers(string outer, string inner)
    {
        var o = outer.Split('/');
        var n = inner.Split('/');
        for (var i = 0; ; i++)
        {
            if (i < o.Length && o[i] == "#")
            {
                return true;
            }

            if (i >= o.Length || i >= n.Length)
            {
                return i >= o.Length && i >= n.Length;
            }

            if (n[i] == "#")
            {
                return false;
            }

            if (o[i] == "+")
            {
                continue;
            }

            if (n[i] == "+" || !string.Equals(o[i], n[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
    }
}
