namespace Fixtures
{
    public static class Screen
    {
        public static int Width()
        {
            return 320;
        }
    }
}
