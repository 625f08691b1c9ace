namespace Fixtures
{
    public static class Reading
    {
        public static int? Last;

        public static bool HasValue()
        {
            return Last != null;
        }
    }
}
