using System.Collections.Generic;

namespace Fixtures
{
    public static class Readings
    {
        public static int Count()
        {
            var readings = new List<int>();
            readings.Add(21);
            return readings.Count;
        }
    }
}
