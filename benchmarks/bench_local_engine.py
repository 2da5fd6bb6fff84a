"""Each operation of the embedded offline text engine on a 1,000-word text, next to split+sort."""

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from llm_starter_api.llm import local

# A realistic report: facts, figures, dates and opinions across several paragraphs.
TEXT = """\
The Central Library of Lindenau reopened to the public on March 14, 2024, after a renovation
that lasted almost three years. The building was designed by the architect Clara Voss in 1962
and had not been modernised since the late 1980s. The city council approved the project in
2019, and construction began in June 2021. The total cost was 48 million euros, of which
the regional government paid about one third.

The original building was a concrete structure with five floors and a large glass facade
facing the river. Over the decades the facade had become a serious problem. It leaked during
heavy rain, lost heat in winter and made the reading rooms uncomfortably hot in summer. The
engineers replaced every pane with triple glazing and added external shading that moves with
the sun. According to the city, the library now uses 60 percent less energy for heating.

The most visible change is on the ground floor. The old lending desk, which many visitors
remember as dark and crowded, was removed. In its place there is an open hall with a cafe,
self-service machines for borrowing and returning books, and a stage for readings and small
concerts. The hall is 40 meters long and can hold up to 300 people for events. A new main
staircase connects the hall with the upper floors, and two additional lifts make every floor
accessible for wheelchair users.

The children's department moved from the basement to the second floor. It now has large
windows, a reading garden on the terrace and a separate room for story time. Parents have
praised the new space, and the number of children's cards issued in the first month was twice
the monthly average of the previous year. The youth section on the third floor includes
study rooms that can be booked online, a small recording studio and a workshop with 3D
printers and sewing machines.

The collection itself was reorganised. The library holds about 420,000 items, including
books, films, music, board games and newspapers. Around 180,000 items are on open shelves,
while the rest are kept in an automated storage system in the basement. Visitors can order
an item from storage through the catalogue, and a robot delivers it to the ground floor in
about ten minutes. The local history collection, with maps and photographs going back to the
seventeenth century, was moved to a climate-controlled room on the fourth floor.

Not everything went smoothly. The opening was delayed twice, first because of supply problems
with the glass and then because the automated storage system failed its safety tests in
2023. The delays added roughly 6 million euros to the budget. During the renovation the
library operated from a temporary site in a former supermarket on the edge of the city,
which many residents found hard to reach. Visitor numbers at the temporary site fell by more
than half, and several reading groups stopped meeting altogether.

Some critics also argue that the renovation favoured events and design over books. The
number of study desks fell from 420 to 350, and students have complained that the quiet
reading rooms fill up by ten in the morning during exam periods. The library responded by
extending its opening hours. Since September 2024 it has been open from 8:00 until 22:00 on
weekdays and from 10:00 until 18:00 on Saturdays. On Sundays only the ground floor hall and
the cafe are open.

The first months after the reopening suggest that the investment is paying off. The library
counted 212,000 visits between March and June 2024, compared with 95,000 in the same period
of 2019. More than 7,500 new library cards were issued, and loans of children's books rose
by 35 percent. The events programme has been especially popular. Author readings regularly
sell out, and the monthly repair cafe, where volunteers help residents fix lamps, bicycles
and clothes, attracts long queues.

Reactions from regular visitors have been mixed but mostly warm. Many describe the new hall
as bright, friendly and full of life, and several older residents said they were delighted
to find comfortable chairs and large-print books near the entrance. Others miss the calm of
the old building and find the ground floor noisy, especially on weekend afternoons when
school groups and families arrive at the same time. A survey of 1,200 visitors in May 2024
found that 78 percent rated the renovation as good or very good, while 9 percent rated it as
poor. The most common complaints concerned noise, the price of coffee in the cafe and the
small number of power outlets at the study desks. The library has promised to add sockets
and to create a second quiet zone on the fifth floor before the end of 2025.

The staff has grown as well. The library employs 86 people, ten more than before the
renovation, including two digital coaches who help older residents use smartphones, online
banking and government services. The library director, Jonas Brandt, says that the building
should be a place where everyone feels welcome, whether they come to borrow a novel, to
study for an exam or simply to sit somewhere warm and quiet. He believes that public
libraries are among the last places in a city where nobody has to buy anything to stay.

Looking ahead, the city plans to renovate two of the five branch libraries in the suburbs by
2028. The branches in Nordfeld and Altstadt are the first candidates, because their buildings
are the oldest and the least accessible. The council has not yet agreed on a budget. It will publish
a first estimate of the costs in the spring of 2025, after public meetings with residents in
both districts, and the experience with the Central Library has made some councillors cautious about large projects.
For now, the reopened building on the river is the clearest sign that the city still sees
its libraries as essential public infrastructure rather than as a cost to be cut.
"""
QUESTION = "When did the Central Library reopen?"


def _baseline(text: str) -> list[str]:
    return sorted(text.split())


def _words() -> int:
    return len(TEXT.split())


@pytest.mark.benchmark(group="local-engine")
def test_baseline_split_and_sort(benchmark: BenchmarkFixture) -> None:
    assert len(benchmark(_baseline, TEXT)) == _words()


@pytest.mark.benchmark(group="local-engine")
def test_summarize(benchmark: BenchmarkFixture) -> None:
    summary = benchmark(lambda: local.summarize(TEXT, max_length=150))
    assert 0 < len(summary.split()) <= 150


@pytest.mark.benchmark(group="local-engine")
def test_sentiment(benchmark: BenchmarkFixture) -> None:
    verdict = benchmark(local.sentiment, TEXT)
    assert 0.0 <= verdict.confidence <= 1.0


@pytest.mark.benchmark(group="local-engine")
def test_key_points(benchmark: BenchmarkFixture) -> None:
    assert len(benchmark(lambda: local.key_points(TEXT, max_points=5))) == 5


@pytest.mark.benchmark(group="local-engine")
def test_questions(benchmark: BenchmarkFixture) -> None:
    assert len(benchmark(lambda: local.questions(TEXT, num_questions=5))) == 5


@pytest.mark.benchmark(group="local-engine")
def test_answer(benchmark: BenchmarkFixture) -> None:
    assert "March 14, 2024" in benchmark(local.answer, TEXT, QUESTION)
