using Doctolib.Telehealth.Media.Sdp;
using Doctolib.Telehealth.Media.Testing;
using Doctolib.Telehealth.Media.Tests.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Seeded random mutations of the offer Chromium 156 made (<see cref="Chromium156Captures"/>), given to a real
/// plane: each is either answered with SDP our parser reads back, the same m-sections in the same order, or refused
/// with <see cref="MediaNegotiationException"/>; nothing else escapes, and the plane still serves a peer afterwards.</summary>
public sealed class OfferFuzzTests
{
    private const string Alphabet = "abcxyz019 :/=-\t\r\n\0é";
    private const int Iterations = 1500;

    [Fact]
    public async Task AcceptOffer_RandomMutationsOfTheChromiumOffer_AnswerOrThrowOnlyTheTypedErrorAndThePlaneKeepsServing()
    {
        await using var harness = new PlaneHarness();
        string[] lines = Chromium156Captures.Offer.Split("\r\n");
        var random = new Random(8829);
        int answered = 0;
        int refused = 0;
        for (int i = 0; i < Iterations; i++)
        {
            string offer = Mutate(lines, random);
            // A few participants in turn, so mutated offers also renegotiate (or replace) a session a previous one made.
            var participant = new MediaParticipant("room-fuzz", "p" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
            string answer;
            try
            {
                answer = await harness.Plane.AcceptOfferAsync(participant, offer, timeout.Token).WaitAsync(timeout.Token);
            }
            catch (MediaNegotiationException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message));
                refused++;
                continue;
            }

            SdpSessionDescription parsedAnswer = SdpParser.Parse(answer);
            SdpSessionDescription parsedOffer = SdpParser.Parse(offer);
            Assert.Equal(parsedOffer.Media.Select(m => m.Mid), parsedAnswer.Media.Select(m => m.Mid));
            foreach (string mid in parsedAnswer.BundleGroup!.Mids)
            {
                Assert.Contains(parsedAnswer.Media, m => m.Mid == mid && !m.IsRejected);
            }

            answered++;
        }

        Assert.True(answered > Iterations / 10, $"only {answered} mutations were answered");
        Assert.True(refused > Iterations / 10, $"only {refused} mutations were refused");

        WebRtcTestPeer peer = await harness.JoinAsync("room-after-fuzz", "patient");
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Plane.FindSession(new MediaParticipant("room-after-fuzz", "patient"))?.Srtp is not null),
            harness.Describe(peer));
    }

    /// <summary>One to three line edits: drop, duplicate, truncate, replace or append a character, swap two lines;
    /// joined with CRLF or bare LF.</summary>
    internal static string Mutate(string[] lines, Random random)
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
                    int other = random.Next(mutated.Count);
                    (mutated[index], mutated[other]) = (mutated[other], mutated[index]);
                    break;
                default:
                    mutated[index] = line + Alphabet[random.Next(Alphabet.Length)];
                    break;
            }
        }

        return string.Join(random.Next(2) == 0 ? "\r\n" : "\n", mutated);
    }
}
