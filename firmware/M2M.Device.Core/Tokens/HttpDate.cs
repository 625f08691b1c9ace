namespace M2M.Device.Core.Tokens
{
    /// <summary>
    /// Reads an HTTP-date (RFC 9110 section 5.6.7) in any of its three forms, as recipients must:
    /// IMF-fixdate <c>Sun, 06 Nov 1994 08:49:37 GMT</c>, the obsolete RFC 850 form
    /// <c>Sunday, 06-Nov-94 08:49:37 GMT</c> and asctime <c>Sun Nov  6 08:49:37 1994</c>.
    /// Plain arithmetic, so both runtimes give the same answer.
    /// </summary>
    public static class HttpDate
    {
        private const string Months = "JanFebMarAprMayJunJulAugSepOctNovDec";

        /// <summary>The date as Unix milliseconds, or -1 when it is not an HTTP-date.</summary>
        public static long Parse(string? value)
        {
            if (value == null)
            {
                return -1;
            }

            var tokens = value.Trim().Split(' ', ',', '-');
            int month = 0, day = -1, year = -1, hour = -1, minute = -1, second = -1;
            for (var i = 1; i < tokens.Length; i++)
            {
                var token = tokens[i];
                if (token.Length == 0 || token == "GMT")
                {
                    continue;
                }

                if (token.Length == 3 && month == 0 && Months.IndexOf(token) >= 0 && Months.IndexOf(token) % 3 == 0)
                {
                    month = (Months.IndexOf(token) / 3) + 1;
                }
                else if (token.Length == 8 && token[2] == ':' && token[5] == ':')
                {
                    hour = Digits(token, 0, 2);
                    minute = Digits(token, 3, 2);
                    second = Digits(token, 6, 2);
                }
                else if (day < 0 && token.Length <= 2)
                {
                    day = Digits(token, 0, token.Length);
                }
                else if (year < 0 && (token.Length == 4 || token.Length == 2))
                {
                    year = Digits(token, 0, token.Length);
                    if (token.Length == 2 && year >= 0)
                    {
                        // RFC 9110 section 5.6.7: a two-digit year more than 50 years ahead is in the past.
                        year += year < 70 ? 2000 : 1900;
                    }
                }
                else
                {
                    return -1;
                }
            }

            if (month == 0 || day < 1 || day > 31 || year < 1970 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
            {
                return -1;
            }

            return ((((DaysFromCivil(year, month, day) * 24) + hour) * 60 + minute) * 60 + second) * 1000;
        }

        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
        private static long DaysFromCivil(int year, int month, int day)
        {
            var y = month <= 2 ? year - 1 : year;
            var era = y / 400;
            var yearOfEra = y - (era * 400);
            var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
            var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
            return ((long)era * 146097) + dayOfEra - 719468;
        }

        private static int Digits(string text, int start, int count)
        {
            if (count == 0)
            {
                return -1;
            }

            var value = 0;
            for (var i = start; i < start + count; i++)
            {
                var c = text[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }

                value = (value * 10) + (c - '0');
            }

            return value;
        }
    }
}
