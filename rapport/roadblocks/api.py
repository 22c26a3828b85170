from ninja import Router

router = Router(tags=["roadblocks"])
