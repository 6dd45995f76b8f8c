-- Progress of the synthetic registries loaded by `passerelle seed --citizens N`, per
-- data provider: households 0 .. households-1 are written, holding `citizens` adults.
-- Each batch commits with its progress, so an interrupted seed resumes where it stopped.
CREATE TABLE synthetic_progress (
  provider text PRIMARY KEY,
  households integer NOT NULL CHECK (households >= 0),
  citizens integer NOT NULL CHECK (citizens >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
