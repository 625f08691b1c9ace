namespace Fixtures
{
    public static class Listed
    {
        public static int Value()
        {
            return 1;
        }
    }
}
