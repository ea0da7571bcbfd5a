using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

/// <summary>Random mutations of a valid offer: parsing and answering either succeed or throw the typed error.</summary>
public sealed class SdpFuzzTests
{
    private static readonly SdpAnswerOptions Options = new()
    {
        IceCredentials = IceCredentials.Generate(),
        DtlsFingerprint = new SdpFingerprint("sha-256", ChromeOffer.Fingerprint),
        Candidates = [new SdpCandidate("1", 1, "udp", 2130706431, "127.0.0.1", 5081, "host")],
    };

    [Fact]
    public void ApplyAnswer_RandomMutationsOfChromiumAnswer_ThrowOnlySdpParseException()
    {
        SdpAnswer initial = SdpAnswerBuilder.Build(SdpOffer.Parse(Chromium156Captures.Offer), Options);
        SdpServerOffer offer = SdpServerOfferBuilder.Build(initial.Negotiated,
        [
            new SdpOutgoingTrack("peer/0", SdpMediaKind.Audio, new SdpTrackSsrcs(111111, null, "c", "s", "a"), "opus"),
            new SdpOutgoingTrack("peer/1", SdpMediaKind.Video, new SdpTrackSsrcs(222222, 222223, "c", "s", "v"), "VP8"),
        ], new SdpServerOfferOptions(Options.IceCredentials, Options.DtlsFingerprint, Options.Candidates));
        var random = new Random(8829);
        int accepted = 0;
        for (int i = 0; i < 2000; i++)
        {
            string sdp = Mutate(Chromium156Captures.AnswerToReoffer.Split("\r\n"), random);
            try
            {
                SdpNegotiatedSession negotiated = SdpServerOfferBuilder.ApplyAnswer(offer.Pending, sdp);
                Assert.Equal(offer.Pending.Media.Count, negotiated.Media.Count);
                accepted++;
            }
            catch (SdpParseException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Problem));
            }
        }

        Assert.True(accepted > 0);
    }

    private static string Mutate(string[] lines, Random random)
    {
        const string Alphabet = "abcxyz019 :/=-\t\r\n\0é";
        var mutated = new List<string>(lines);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            int index = random.Next(mutated.Count);
            string line = mutated[index];
            switch (random.Next(5))
            {
                case 0:
                    mutated.RemoveAt(index);
                    break;
                case 1:
                    mutated.Insert(index, line);
                    break;
                case 2 when line.Length > 0:
                    mutated[index] = line[..random.Next(line.Length)];
                    break;
                case 3 when line.Length > 0:
                    char[] chars = line.ToCharArray();
                    chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
                    mutated[index] = new string(chars);
                    break;
                default:
                    mutated[index] = line + Alphabet[random.Next(Alphabet.Length)];
                    break;
            }
        }

        return string.Join("\r\n", mutated);
    }

    [Fact]
    public void ParseAndAnswer_RandomMutations_ThrowOnlySdpParseException()
    {
        var random = new Random(8866);
        string[] lines = ChromeOffer.Text.Split("\r\n");
        const string Alphabet = "abcxyz019 :/=-\t\r\n\0é";
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var mutated = new List<string>(lines);
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                int index = random.Next(mutated.Count);
                string line = mutated[index];
                switch (random.Next(6))
                {
                    case 0:
                        mutated.RemoveAt(index);
                        break;
                    case 1:
                        mutated.Insert(index, line);
                        break;
                    case 2 when line.Length > 0:
                        mutated[index] = line[..random.Next(line.Length)];
                        break;
                    case 3 when line.Length > 0:
                        char[] chars = line.ToCharArray();
                        chars[random.Next(chars.Length)] = Alphabet[random.Next(Alphabet.Length)];
                        mutated[index] = new string(chars);
                        break;
                    case 4:
                        (mutated[index], mutated[random.Next(mutated.Count)]) = (mutated[random.Next(mutated.Count)], mutated[index]);
                        break;
                    default:
                        mutated[index] = line + Alphabet[random.Next(Alphabet.Length)] + random.Next();
                        break;
                }
            }

            string sdp = string.Join(random.Next(2) == 0 ? "\r\n" : "\n", mutated);
            try
            {
                SdpSessionDescription offer = SdpOffer.Parse(sdp);
                SdpAnswer answer = SdpAnswerBuilder.Build(offer, Options);
                Assert.NotNull(SdpParser.Parse(answer.Sdp));
                accepted++;
            }
            catch (SdpParseException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Problem));
                rejected++;
            }
        }

        Assert.True(accepted > 0, "some mutations (e.g. of unknown attributes) must still parse");
        Assert.True(rejected > 0, "some mutations must be refused");
    }
}
