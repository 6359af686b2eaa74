"""Energy and carbon per job, tenant, kind of tenant and country; idle allocated GPUs.

- :mod:`console.energy.attribution`: rack energy shared among the jobs holding the racks'
  GPUs, interval by interval (arrays in, arrays out);
- :mod:`console.energy.supply`: the supply mix and carbon intensity of each interval;
- :mod:`console.energy.history`: what a period of the cache holds, read for the above;
- :mod:`console.energy.report`: the lines per tenant, kind or country, and their CSV;
- :mod:`console.energy.idle`: jobs whose GPUs have sat idle too long.
"""
