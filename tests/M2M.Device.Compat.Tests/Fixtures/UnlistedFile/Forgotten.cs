namespace Fixtures
{
    public static class Forgotten
    {
        public static int Value()
        {
            return 2;
        }
    }
}
